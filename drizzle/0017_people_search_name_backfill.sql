-- Names kept before search_name existed, folded as domain/search.ts folds them (Vietnamese letters
-- without their marks, đ as d, lower case), so that "le thi mai" finds them too.
UPDATE "people" SET "search_name" = lower(translate("full_name", 'àáảãạằắẳẵặăầấẩẫậâèéẻẽẹềếểễệêìíỉĩịòóỏõọồốổỗộôờớởỡợơùúủũụừứửữựưỳýỷỹỵđÀÁẢÃẠẰẮẲẴẶĂẦẤẨẪẬÂÈÉẺẼẸỀẾỂỄỆÊÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘÔỜỚỞỠỢƠÙÚỦŨỤỪỨỬỮỰƯỲÝỶỸỴĐ', 'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydAAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD')) WHERE "search_name" IS NULL;
