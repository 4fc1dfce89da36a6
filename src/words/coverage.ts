/** The columns of the coverage CSV, in the language asked for. */
export const COVERAGE_CSV_HEADERS = {
  vi: ['Mã', 'Đơn vị', 'Trạng thái', 'Đã tổ chức', 'Đã lên lịch', 'Quá hạn chưa ghi kết quả', 'Đã hủy', 'Phiên gần nhất', 'Phiên sắp tới', 'Quá hạn từ', 'Tồn tại một phần kỳ'],
  en: ['Code', 'Unit', 'Status', 'Held', 'Scheduled', 'Overdue without outcome', 'Cancelled', 'Last held', 'Next scheduled', 'Overdue since', 'Part of period']
}
