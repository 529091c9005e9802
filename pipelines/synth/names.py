"""Vietnamese personal names and business vocabulary for the registry generator.

Family-name shares follow published estimates of the national distribution
(Nguyễn about 38 %, Trần 11 %, Lê 9.5 %, Phạm 7 %, Hoàng/Huỳnh 5 %, Phan 4.5 %,
Vũ/Võ 4 %, Đặng 2 %, Bùi 2 %, Đỗ 1.4 %, Hồ 1.3 %, Ngô 1.3 %, Dương 1 %, Lý 0.5 %);
in the south Huỳnh and Võ are the usual spellings, so they carry most of those shares.
Given names are the common ones of Ho Chi Minh City birth cohorts 1940-2020.
"""

from __future__ import annotations

FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 36.0, "Trần": 11.0, "Lê": 9.5, "Phạm": 6.5, "Huỳnh": 3.5, "Hoàng": 1.5, "Phan": 4.5,
    "Võ": 2.8, "Vũ": 1.2, "Đặng": 2.0, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1.0,
    "Lý": 0.6, "Trương": 0.9, "Đinh": 0.6, "Đoàn": 0.6, "Lâm": 0.6, "Mai": 0.5, "Tô": 0.3, "Tạ": 0.3,
    "Châu": 0.4, "Lương": 0.4, "La": 0.2, "Cao": 0.4, "Lưu": 0.3, "Thái": 0.3, "Hà": 0.4, "Quách": 0.2,
    "Kiều": 0.1, "Từ": 0.1, "Triệu": 0.2, "Văn": 0.1, "Tăng": 0.2, "Diệp": 0.1, "Mạc": 0.1, "Phùng": 0.2,
    "Hứa": 0.2, "Lạc": 0.05, "Thạch": 0.15, "Trịnh": 0.4, "Nghiêm": 0.05, "Tiêu": 0.05, "Khổng": 0.05,
}

MIDDLE_MALE: dict[str, float] = {
    "Văn": 30, "Hữu": 7, "Đức": 6, "Minh": 9, "Quốc": 6, "Thanh": 5, "Hoàng": 4, "Công": 4, "Ngọc": 3,
    "Tấn": 4, "Trung": 2, "Xuân": 2, "Gia": 3, "Anh": 3, "Thành": 2, "Nhật": 2, "": 8,
}
MIDDLE_FEMALE: dict[str, float] = {
    "Thị": 42, "Ngọc": 10, "Thanh": 6, "Thu": 5, "Kim": 5, "Mỹ": 4, "Hồng": 4, "Phương": 3, "Bảo": 3,
    "Khánh": 2, "Minh": 3, "Thùy": 3, "Diệu": 1, "Hoài": 2, "Thảo": 1, "": 6,
}
# A second middle name is written before the given name ("Nguyễn Thị Ngọc Anh").
SECOND_MIDDLE = ("Ngọc", "Minh", "Thanh", "Hoàng", "Bảo", "Kim", "Thu", "Quốc", "Gia", "Mai")

GIVEN_MALE = (
    "An", "Anh", "Bảo", "Bình", "Bách", "Chiến", "Công", "Cường", "Danh", "Dũng", "Duy", "Dương", "Đạt",
    "Đăng", "Định", "Đông", "Đức", "Giang", "Hải", "Hào", "Hậu", "Hiển", "Hiệp", "Hiếu", "Hòa", "Hoàng",
    "Hùng", "Huy", "Hưng", "Hữu", "Kha", "Khang", "Khánh", "Khoa", "Khôi", "Kiên", "Lâm", "Lân", "Lộc",
    "Lợi", "Long", "Luân", "Lực", "Mạnh", "Minh", "Nam", "Nghĩa", "Nguyên", "Nhân", "Nhật", "Phát",
    "Phong", "Phú", "Phúc", "Phước", "Quân", "Quang", "Quốc", "Quý", "Sang", "Sơn", "Tài", "Tâm", "Tân",
    "Thái", "Thắng", "Thành", "Thạnh", "Thiện", "Thịnh", "Thông", "Tiến", "Tín", "Toàn", "Trí", "Trọng",
    "Trung", "Tú", "Tuấn", "Tùng", "Tường", "Việt", "Vinh", "Vĩnh", "Vũ", "Vương", "Hiền", "Hạnh",
    "Lộc", "Nhựt", "Rạng", "Sỹ", "Thuận", "Trường", "Tuệ", "Tỷ", "Út", "Xuân", "Hoan", "Hồ", "Đệ",
    "Khải", "Kỳ", "Liêm", "Lượng", "Mẫn", "Ngân", "Phụng", "Quyết", "Sinh", "Thọ", "Triết", "Tường",
)
GIVEN_FEMALE = (
    "An", "Anh", "Ánh", "Bích", "Cúc", "Châu", "Chi", "Diễm", "Diệp", "Dung", "Duyên", "Đào", "Giang",
    "Hà", "Hạ", "Hạnh", "Hằng", "Hân", "Hảo", "Hậu", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Huyền",
    "Khánh", "Kiều", "Kim", "Lan", "Lệ", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Mỹ", "Na", "Nga",
    "Ngân", "Nghi", "Ngọc", "Nguyệt", "Nhàn", "Nhi", "Nhung", "Như", "Oanh", "Phương", "Phượng",
    "Quyên", "Quỳnh", "Sương", "Tâm", "Thanh", "Thảo", "Thắm", "Thơ", "Thu", "Thủy", "Thúy", "Thư",
    "Thương", "Tiên", "Trang", "Trâm", "Trinh", "Trúc", "Tuyền", "Tuyết", "Uyên", "Vân", "Vi", "Vy",
    "Xuân", "Yến", "Hoàng", "Diệu", "Đan", "Hòa", "Lài", "Lựu", "Mơ", "Nương", "Phúc", "Sen", "Tuyến",
    "Út", "Ý", "Bình", "Cẩm", "Dạ", "Điệp", "Gấm", "Hường", "Kha", "Lành", "Liễu", "Mến", "Nhạn",
)

RELATIONS_SPOUSE = {"M": "Chồng", "F": "Vợ"}
RELATION_HEAD = "Chủ hộ"
RELATION_CHILD = "Con"
RELATION_PARENT = {"M": "Bố", "F": "Mẹ"}
RELATION_OTHER = ("Cháu", "Anh", "Chị", "Em", "Con dâu", "Con rể", "Ông", "Bà")

# VSIC 2018 codes frequent among small businesses, with their titles.
VSIC = (
    ("4711", "Bán lẻ lương thực, thực phẩm trong cửa hàng tổng hợp"),
    ("4722", "Bán lẻ thực phẩm trong các cửa hàng chuyên doanh"),
    ("4771", "Bán lẻ hàng may mặc, giày dép trong các cửa hàng chuyên doanh"),
    ("5610", "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động"),
    ("5630", "Dịch vụ phục vụ đồ uống"),
    ("9602", "Cắt tóc, làm đầu, gội đầu"),
    ("4520", "Bảo dưỡng, sửa chữa ô tô và xe có động cơ khác"),
    ("4933", "Vận tải hàng hóa bằng đường bộ"),
    ("4662", "Bán buôn kim loại và quặng kim loại"),
    ("4101", "Xây dựng nhà để ở"),
    ("6810", "Kinh doanh bất động sản, quyền sử dụng đất"),
    ("6201", "Lập trình máy vi tính"),
    ("1410", "May trang phục (trừ trang phục từ da lông thú)"),
    ("1071", "Sản xuất các loại bánh từ bột"),
    ("4649", "Bán buôn đồ dùng khác cho gia đình"),
    ("7020", "Hoạt động tư vấn quản lý"),
    ("8559", "Giáo dục khác chưa được phân vào đâu"),
    ("4752", "Bán lẻ đồ ngũ kim, sơn, kính trong các cửa hàng chuyên doanh"),
)
ENTERPRISE_FORMS = ("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân")
ENTERPRISE_WORDS = (
    "Thương mại", "Dịch vụ", "Sản xuất", "Xây dựng", "Đầu tư", "Công nghệ", "Vận tải", "Thực phẩm",
    "Phát triển", "Kỹ thuật", "Xuất nhập khẩu", "May mặc", "Bất động sản", "Giáo dục", "Tư vấn",
)
ENTERPRISE_BRANDS = (
    "Sài Gòn", "Phương Nam", "Ánh Dương", "Hoàng Gia", "Thành Công", "Minh Phát", "Tân Tiến", "Đại Việt",
    "An Khang", "Phú Quý", "Hưng Thịnh", "Kim Long", "Việt Á", "Toàn Cầu", "Bình Minh", "Trường Sơn",
    "Sao Mai", "Hải Đăng", "Thiên Phú", "Đông Á", "Nam Long", "Bảo Tín", "Phúc Lộc", "Mekong",
)
SHOP_WORDS = ("Tạp hóa", "Quán cơm", "Cà phê", "Tiệm tóc", "Sửa xe", "Quán phở", "Nhà thuốc", "Tiệm may", "Bánh mì", "Điện thoại")
TAX_TYPES = ("Thuế GTGT", "Thuế TNDN", "Thuế TNCN", "Thuế khoán hộ kinh doanh", "Lệ phí môn bài")
BUSINESS_STATUS = (("Đang hoạt động", 0.82), ("Tạm ngừng kinh doanh", 0.10), ("Đã giải thể", 0.08))
