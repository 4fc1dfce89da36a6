/**
 * Demo data: Hà Nội, Đống Đa district and its 21 ward councils in the 2016–2021 term
 * (names from ../shared/DOMAIN.md). People are illustrative, not real office holders.
 */
export const DONG_DA_WARDS = [
  'Cát Linh', 'Hàng Bột', 'Khâm Thiên', 'Khương Thượng', 'Kim Liên', 'Láng Hạ', 'Láng Thượng', 'Nam Đồng',
  'Ngã Tư Sở', 'Ô Chợ Dừa', 'Phương Liên', 'Phương Mai', 'Quang Trung', 'Quốc Tử Giám', 'Thịnh Quang', 'Thổ Quan',
  'Trung Liệt', 'Trung Phụng', 'Trung Tự', 'Văn Chương', 'Văn Miếu'
] as const

export const HA_NOI = { code: 'ha-noi', name: 'Thành phố Hà Nội', level: 'city', activeFrom: '2008-08-01', activeTo: null } as const
/** Districts ended on 2025-07-01, when Vietnam moved to two levels of local government. */
export const DONG_DA = { code: 'dong-da', name: 'Quận Đống Đa', level: 'district', activeFrom: '2016-07-01', activeTo: '2025-06-30' } as const
/** Hà Nội's wards had no council from 2021-07-01 (urban-government pilot). */
export const WARD_TERM = { activeFrom: '2016-07-01', activeTo: '2021-06-30' } as const

export interface DemoPerson {
  key: string
  fullName: string
  kind: 'delegate' | 'official'
  organization: string
  position: string
  council: 'district' | 'Cát Linh' | 'Văn Miếu'
  role?: 'chair' | 'vice_chair' | 'standing_member' | 'delegate' | 'secretary'
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { key: 'district-chair', fullName: 'Nguyễn Văn Thắng', kind: 'delegate', organization: 'HĐND quận Đống Đa', position: 'Chủ tịch HĐND quận', council: 'district', role: 'chair' },
  { key: 'district-vice-chair', fullName: 'Trần Thị Hồng Nhung', kind: 'delegate', organization: 'HĐND quận Đống Đa', position: 'Phó Chủ tịch HĐND quận', council: 'district', role: 'vice_chair' },
  { key: 'district-secretary', fullName: 'Lê Minh Đức', kind: 'official', organization: 'Văn phòng HĐND và UBND quận Đống Đa', position: 'Chuyên viên', council: 'district', role: 'secretary' },
  { key: 'district-delegate-1', fullName: 'Phạm Thị Thủy', kind: 'delegate', organization: 'Tổ đại biểu phường Kim Liên', position: 'Đại biểu HĐND quận', council: 'district', role: 'delegate' },
  { key: 'district-delegate-2', fullName: 'Hoàng Quốc Việt', kind: 'delegate', organization: 'Tổ đại biểu phường Láng Hạ', position: 'Đại biểu HĐND quận', council: 'district', role: 'delegate' },
  { key: 'ubnd-vice-chair', fullName: 'Đỗ Thị Ngọc Ánh', kind: 'official', organization: 'UBND quận Đống Đa', position: 'Phó Chủ tịch UBND quận', council: 'district' },
  { key: 'urban-head', fullName: 'Vũ Đình Khiêm', kind: 'official', organization: 'Phòng Quản lý đô thị quận Đống Đa', position: 'Trưởng phòng', council: 'district' },
  { key: 'cat-linh-chair', fullName: 'Bùi Thị Lan Hương', kind: 'delegate', organization: 'HĐND phường Cát Linh', position: 'Chủ tịch HĐND phường', council: 'Cát Linh', role: 'chair' },
  { key: 'cat-linh-ubnd', fullName: 'Ngô Quang Huy', kind: 'official', organization: 'UBND phường Cát Linh', position: 'Chủ tịch UBND phường', council: 'Cát Linh' },
  { key: 'van-mieu-ubnd', fullName: 'Trịnh Minh Quân', kind: 'official', organization: 'UBND phường Văn Miếu', position: 'Chủ tịch UBND phường', council: 'Văn Miếu' },
  { key: 'van-mieu-chair', fullName: 'Đặng Thu Trang', kind: 'delegate', organization: 'HĐND phường Văn Miếu', position: 'Chủ tịch HĐND phường', council: 'Văn Miếu', role: 'chair' }
]
