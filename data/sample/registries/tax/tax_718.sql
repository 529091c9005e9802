--
-- wardbridge synthetic export: "tax_718"."tax"
-- Plain SQL, load with: psql -v ON_ERROR_STOP=1 -f <file> <database>
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS "tax_718";

CREATE TABLE "tax_718"."tax" (
    source_pk bigint NOT NULL,
    "ma_ban_ghi" text,
    "ma_so_thue" text,
    "ten_nguoi_nop_thue" text,
    "dia_chi" text,
    "co_quan_thue" text,
    "ky_thue" text,
    "loai_thue" text,
    "so_tien" text
);

COPY "tax_718"."tax" (source_pk, "ma_ban_ghi", "ma_so_thue", "ten_nguoi_nop_thue", "dia_chi", "co_quan_thue", "ky_thue", "loai_thue", "so_tien") FROM stdin;
1	1	3725958966	Doanh nghiệp tư nhân Xây dựng Sao Mai 89	231/17/10 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế khoán hộ kinh doanh	9060000
2	2	3725958966	Doanh nghiệp tư nhân Xây dựng Sao Mai 89	231/17/10 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế khoán hộ kinh doanh	4898000
3	3	3750197634	Công ty TNHH MTV Sản xuất Trường Sơn 48	386/60 Tran Quang Khai, Phuong Hiep Thanh, Tp Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	1858000
4	4	3750197634	Công ty TNHH MTV Sản xuất Trường Sơn 48	386/60 Tran Quang Khai, Phuong Hiep Thanh, Tp Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế GTGT	1980000
5	5	051094507273	Bánh mì Định	312 Lê Trọng Tấn Phường Hòa Phú Thành phố Thủ Dầu Một BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế khoán hộ kinh doanh	5320000
6	6	8099777608	Hộ kinh doanh Võ Minh Quyết	326 Ba Tháng Hai, P.Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Lệ phí môn bài	5174000
7	7	8071090501	Hộ kinh doanh Nguyễn Văn Kha	173/21 Nguyễn Văn Trỗi, Phường Thủ Dầu Một, Tp HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Thuế TNDN	3844000
8	8	8052825366	Sửa xe Hiển	Hẻm 83 Nguyễn Văn Tạo, Phường Phú Cường, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNDN	14476000
9	9	8004114683	Tiệm tóc Duyên	9/20 Hai Bà Trưng, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế khoán hộ kinh doanh	1942000
10	10	8004114683	Tiệm tóc Duyên	9/20 Hai Bà Trưng, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế GTGT	3219000
11	11	8057927435	Tiệm tóc Kỳ	97/32 Nguyễn Đình Chiểu, P. Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNCN	3047000
12	12	8057927435	Tiệm tóc Kỳ	97/32 Nguyễn Đình Chiểu, P. Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Lệ phí môn bài	13321000
13	13	079046530475	Tiệm tóc Thiện	127D Võ Văn Kiệt, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNDN	3600000
14	14	3739499430	Công ty TNHH MTV Bất động sản Phúc Lộc	164 Nguyễn Huệ, P. Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế khoán hộ kinh doanh	7319000
15	15	3739499430	Công ty TNHH MTV Bất động sản Phúc Lộc	164 Nguyễn Huệ, P. Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNCN	236000
16	16	3739499430	Công ty TNHH MTV Bất động sản Phúc Lộc	164 Nguyễn Huệ, P. Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNCN	22762000
17	17	8056289250	Hộ kinh doanh Bùi Hồng Minh Mơ	398 Truong Chinh, Phuong Hiep Thanh, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế GTGT	1554000
18	18	8056289250	Hộ kinh doanh Bùi Hồng Minh Mơ	398 Truong Chinh, Phuong Hiep Thanh, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế TNCN	2135000
19	19	8072630943	Hộ kinh doanh Nguyễn Thanh Hà	464/7 Nguyễn Huệ, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Thuế khoán hộ kinh doanh	19948000
20	20	8072009493	Hộ kinh doanh Nguyễn Na	Số 324 Võ Văn Tần, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế TNDN	691000
21	21	8072009493	Hộ kinh doanh Nguyễn Na	Số 324 Võ Văn Tần, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-01	Thuế khoán hộ kinh doanh	542000
22	22	8092122497	Điện thoại Út	404 Hồng Bàng, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Lệ phí môn bài	14214000
23	23	8012878964	Bánh mì Khải	52 Rừng Sác, Phường Thủ Dầu Một, TP. Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế TNCN	1380000
24	24	8096468471	Điện thoại Hiền	195 Võ Văn Kiệt, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế GTGT	366000
25	25	074201746002	Cà phê Phú	46/9 Thùy Vân, P. Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế khoán hộ kinh doanh	10891000
26	26	8019269714	Sửa xe Sinh	90 Nguyễn Văn Tạo, Phường Phú Cường, TP. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNDN	239000
27	27	8063419888	Hộ kinh doanh Trần Văn Tường	96/11/6 Lê Hồng Phong, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Thuế TNCN	1633000
28	28	8063419888	Hộ kinh doanh Trần Văn Tường	96/11/6 Lê Hồng Phong, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Lệ phí môn bài	14339000
29	29	3795649464	Công ty Cổ phần Công nghệ Hưng Thịnh	Số 90 Nguyễn Văn Cừ, Phường Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế GTGT	4982000
30	30	8010955733	Hộ kinh doanh Nguyễn Văn Hậu	395 Nguyễn Văn Tạo, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế khoán hộ kinh doanh	4857000
31	31	8010955733	Hộ kinh doanh Nguyễn Văn Hậu	395 Nguyễn Văn Tạo, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế khoán hộ kinh doanh	1787000
32	32	8073557326	Tạp hóa Nghĩa	353/21/9 Nguyễn Văn Cừ, PTân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế GTGT	1671000
33	33	8073557326	Tạp hóa Nghĩa	353/21/9 Nguyễn Văn Cừ, PTân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế khoán hộ kinh doanh	7982000
34	34	3753148018	Công ty Cổ phần May mặc Phú Quý	283 Xô Viết Nghệ Tĩnh, Phường Hiệp Thành, Tp Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNCN	2855000
35	35	3798933240	Công ty TNHH MTV Phát triển Thiên Phú	201 Le Hong Phong, PTan An, Thanh pho Thu Dau Mot	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế khoán hộ kinh doanh	22764000
36	36	3798933240	Công ty TNHH MTV Phát triển Thiên Phú	201 Le Hong Phong, PTan An, Thanh pho Thu Dau Mot	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNCN	2077000
37	37	3798933240	Công ty TNHH MTV Phát triển Thiên Phú	201 Le Hong Phong, PTan An, Thanh pho Thu Dau Mot	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Lệ phí môn bài	215000
38	38	8096464290	Hộ kinh doanh Nguyễn Hoàng Kiên	109/14 Võ Văn Tần, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Thuế TNDN	392000
39	39	079208750241	Hộ kinh doanh Nguyễn Hoàng Kiên	109/14 Võ Văn Tần, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế khoán hộ kinh doanh	3561000
40	40	3785689690	Công ty TNHH MTV Tư vấn Đông Á	47B Dong Khoi, Phuong Tan An, Thanh pho Ahu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế khoán hộ kinh doanh	3986000
41	41	3785689690	Công ty TNHH MTV Tư vấn Đông Á	47B Dong Khoi, Phuong Tan An, Thanh pho Ahu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế TNCN	7289000
42	42	3785689690	Công ty TNHH MTV Tư vấn Đông Á	47B Dong Khoi, Phuong Tan An, Thanh pho Ahu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNDN	3955000
43	43	3792960375	Doanh nghiệp tư nhân Đầu tư Trường Sơn 32	339 Rừng Sác, Phường Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế khoán hộ kinh doanh	8097000
44	44	3792960375	Doanh nghiệp tư nhân Đầu tư Trường Sơn 32	339 Rừng Sác, Phường Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế TNDN	99653000
45	45	3792960375	Doanh nghiệp tư nhân Đầu tư Trường Sơn 32	339 Rừng Sác, Phường Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Lệ phí môn bài	8928000
46	46	079057451710	Hộ kinh doanh Lý Văn Quang	290 Đường DX 095, P. Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Lệ phí môn bài	23509000
47	47	8037104345	Cà phê Hằng	335/1 Khánh Hội, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế khoán hộ kinh doanh	11541000
48	48	3751232313	Công ty TNHH Xuất nhập khẩu Bảo Tín 38	Số 269 Đồng Khởi, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNCN	3693000
49	49	3751232313	Công ty TNHH Xuất nhập khẩu Bảo Tín 38	Số 269 Đồng Khởi, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế khoán hộ kinh doanh	7239000
50	50	3751232313	Công ty TNHH Xuất nhập khẩu Bảo Tín 38	Số 269 Đồng Khởi, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế TNDN	144285000
51	51	3732684184	Doanh nghiệp tư nhân Kỹ thuật Phương Nam 94	32 Nguyễn Sơn, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế TNCN	2991000
52	52	3732684184	Doanh nghiệp tư nhân Kỹ thuật Phương Nam 94	32 Nguyễn Sơn, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNCN	24885000
53	53	079152442216	Sửa xe Nhung	90 Ba Tháng Hai, P. Phú Cường, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế khoán hộ kinh doanh	22879000
54	54	3795708381	Doanh nghiệp tư nhân Bất động sản Kim Long 80	45 Ung Văn Khiêm, Phường Phú Lợi, HCM	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế TNCN	781000
55	55	3795708381	Doanh nghiệp tư nhân Bất động sản Kim Long 80	45 Ung Văn Khiêm, Phường Phú Lợi, HCM	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế khoán hộ kinh doanh	1648000
56	56	8085773723	Tạp hóa Vy	370 Le Van Viet, Phuong Tan An, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Lệ phí môn bài	5290000
57	57	8014051993	Hộ kinh doanh Huỳnh Thị Sương	397/52 Nguyễn Đình Chiểu, Phường Kiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế TNCN	1038000
58	58	8054398511	Tạp hóa Kiều	28/34/10 Sư Vạn Hạnh, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế khoán hộ kinh doanh	2110000
59	59	8054398511	Tạp hóa Kiều	28/34/10 Sư Vạn Hạnh, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Lệ phí môn bài	2666000
60	60	8006206499	Hộ kinh doanh Phan Thị Thu Hương	189B Lê Trọng Tấn, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế khoán hộ kinh doanh	11859000
61	61	8006206499	Hộ kinh doanh Phan Thị Thu Hương	189B Lê Trọng Tấn, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	2842000
62	62	3768655645	Doanh nghiệp tư nhân Phát triển Việt Á	Hẻm 301 Lê Văn Việt, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế GTGT	4313000
63	63	3768655645	Doanh nghiệp tư nhân Phát triển Việt Á	Hẻm 301 Lê Văn Việt, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế GTGT	729000
64	64	3780798664	Doanh nghiệp tư nhân Sản xuất Phương Nam 97	384 Mai Chí Thọ, P. Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Lệ phí môn bài	11571000
65	65	3780798664	Doanh nghiệp tư nhân Sản xuất Phương Nam 97	384 Mai Chí Thọ, P. Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNCN	759000
66	66	3780798664	Doanh nghiệp tư nhân Sản xuất Phương Nam 97	384 Mai Chí Thọ, P. Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế khoán hộ kinh doanh	67922000
67	67	8026045391	Hộ kinh doanh Nguyễn Ngọc Dung	Số 175 Hoàng Hoa Thám, PTân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Lệ phí môn bài	6820000
68	68	8026045391	Hộ kinh doanh Nguyễn Ngọc Dung	Số 175 Hoàng Hoa Thám, PTân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế khoán hộ kinh doanh	5336000
69	69	3794729188	Doanh nghiệp tư nhân Xây dựng Minh Phát	419 Phan Đăng Lưu, P. Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế GTGT	35538000
70	70	046190995212	Tạp hóa Dung	141 Tran Quang Khai, Phuong Hiep Thanh, Tp Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế khoán hộ kinh doanh	15256000
71	71	8004638599	Tạp hóa Dung	141 Tran Quang Khai, Phuong Hiep Thanh, Tp Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế GTGT	4874000
72	72	3779541671	Công ty TNHH MTV Sản xuất Sài Gòn 96	9 Đường DX 095, P. Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế khoán hộ kinh doanh	1476000
73	73	3790653227	Doanh nghiệp tư nhân Thực phẩm Phương Nam 21	312 Ba Cu, Phường Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNCN	4292000
74	74	3790653227	Doanh nghiệp tư nhân Thực phẩm Phương Nam 21	312 Ba Cu, Phường Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế khoán hộ kinh doanh	15801000
75	75	3790653227	Doanh nghiệp tư nhân Thực phẩm Phương Nam 21	312 Ba Cu, Phường Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNDN	5303000
76	76	3795335605	Công ty Cổ phần Tư vấn Ánh Dương 97	297 Đường DX 032, P. Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNCN	3506000
77	77	3736177851	Công ty Cổ phần Phát triển Nam Long	65 Nguyễn Kiệm, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Lệ phí môn bài	758000
78	78	3736177851	Công ty Cổ phần Phát triển Nam Long	65 Nguyễn Kiệm, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế TNCN	1439000
79	79	8034440564	Tạp hóa Hân	Hẻm 162 Nguyễn Thị Thập, Phường Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNDN	3709000
80	80	8000726773	Điện thoại Xuân	422/37 Hai Bà Trưng, Phường Hòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNDN	3739000
81	81	037178150900	Nhà thuốc Vi	318/33 Ba Cu Phường Hòa Phú Thành phố Thủ Dầu Một BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế GTGT	1374000
82	82	8022570865	Tiệm may Kha	441 Xô Viết Nghệ Tĩnh, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNCN	13565000
83	83	8022570865	Tiệm may Kha	441 Xô Viết Nghệ Tĩnh, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế TNDN	23026000
84	84	8057519186	Tiệm may Nga	Hẻm 342 Nguyễn Văn Trỗi, Phường Phú Cường, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNDN	2052000
85	85	3734076488	Công ty Cổ phần Xuất nhập khẩu Sài Gòn	475 Trần Quang Khải, P. Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế GTGT	3198000
86	86	3734076488	Công ty Cổ phần Xuất nhập khẩu Sài Gòn	475 Trần Quang Khải, P. Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Lệ phí môn bài	2677000
87	87	3734076488	Công ty Cổ phần Xuất nhập khẩu Sài Gòn	475 Trần Quang Khải, P. Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế TNCN	4780000
88	88	8013809360	Hộ kinh doanh Nguyễn Thu Lành	235 Sư Vạn Hạnh, P. Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Lệ phí môn bài	6501000
89	89	8060829188	Nhà thuốc Tân	89 Hai Bà Trưng, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Lệ phí môn bài	9642000
90	90	8086191598	Điện thoại Triết	31/13/5 Xô Viết Nghệ Tĩnh, Phường Kiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Lệ phí môn bài	7052000
91	91	3726531662	Công ty TNHH Tư vấn Tân Tiến	46/25 Nguyễn Văn Lượng, Phường Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Lệ phí môn bài	19443000
92	92	8077156981	Sửa xe Mơ	337 Le Duan, P. Tan An, TP.Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Lệ phí môn bài	31054000
93	93	8019097977	Tiệm tóc Oanh	306 Lý Tự Trọng, P. Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNDN	20402000
94	94	3766762352	Công ty TNHH MTV Xuất nhập khẩu Trường Sơn 70	Số 262 Nguyễn Văn Cừ, Phường Hân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế GTGT	5441000
95	95	3766762352	Công ty TNHH MTV Xuất nhập khẩu Trường Sơn 70	Số 262 Nguyễn Văn Cừ, Phường Hân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Lệ phí môn bài	5020000
96	96	3766762352	Công ty TNHH MTV Xuất nhập khẩu Trường Sơn 70	Số 262 Nguyễn Văn Cừ, Phường Hân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNCN	3009000
97	97	8053004838	Tạp hóa Huệ	131/52 Đường Số 8, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Lệ phí môn bài	3086000
98	98	8059503382	Hộ kinh doanh Trần Thị Linh	50D Võ Văn Kiệt, P.Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Lệ phí môn bài	909000
99	99	8059503382	Hộ kinh doanh Trần Thị Linh	50D Võ Văn Kiệt, P.Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế GTGT	7141000
100	100	8047522905	Bánh mì Ánh	395 Nguyen Son, P. Hoa Phu, TP. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNCN	1610000
101	101	079092014936	Hộ kinh doanh Lê Tấn Sơn	187 Trần Phú, Phường Phú Cường, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Lệ phí môn bài	17930000
102	102	8090713416	Tạp hóa Nhàn	88/34 Xô Viết Nghệ Tĩnh, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế GTGT	324000
103	103	3784302492	Doanh nghiệp tư nhân Bất động sản Kim Long	226/14 Trần Phú P. Phú Cường Thành phố Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế TNDN	1996000
104	104	3784302492	Doanh nghiệp tư nhân Bất động sản Kim Long	226/14 Trần Phú P. Phú Cường Thành phố Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế khoán hộ kinh doanh	41814000
105	105	3784302492	Doanh nghiệp tư nhân Bất động sản Kim Long	226/14 Trần Phú P. Phú Cường Thành phố Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế TNCN	1233000
106	106	3766509173	Công ty Cổ phần Thực phẩm Ánh Dương	355/40/2 Nguyễn Văn Tiết, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNDN	6177000
107	107	3766509173	Công ty Cổ phần Thực phẩm Ánh Dương	355/40/2 Nguyễn Văn Tiết, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế TNCN	11328000
108	108	8091017235	Nhà thuốc Dũng	262 Hai Bà Trưng, Phường Hòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế TNDN	1520000
109	109	8019288001	Cà phê Chiến	418 Khánh Hội, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Lệ phí môn bài	209000
110	110	3760399862	Công ty Cổ phần Thực phẩm Phương Nam	412 Nguyễn Văn Trỗi, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNCN	1895000
111	111	3760399862	Công ty Cổ phần Thực phẩm Phương Nam	412 Nguyễn Văn Trỗi, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNCN	1509000
112	112	3703789993	Công ty TNHH MTV Vận tải Minh Phát	360 Nguyễn Văn Lượng, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế GTGT	1219000
113	113	3766989498	Công ty TNHH May mặc An Khang 33	So 335 Nguyen Thi Thap, Phuong Phu Loi	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế GTGT	17304000
114	114	3766989498	Công ty TNHH May mặc An Khang 33	So 335 Nguyen Thi Thap, Phuong Phu Loi	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	14971000
115	115	8069191460	Quán phở Vương	191 Nguyễn Tất Thành, Phường Bình Dương, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế TNDN	17058000
116	116	3754229414	Công ty TNHH Tư vấn Tân Tiến 51	Số 352 Nguyễn Đình Chiểu, Phường Hiệp Thành, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Lệ phí môn bài	9345000
117	117	3727284335	Công ty TNHH Xuất nhập khẩu Bình Minh	Hem 325 Duong So 8, P.Hiep Thanh, TP.Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế GTGT	2276000
118	118	8037896274	Quán cơm Định	356 Ba Cu, P. Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế TNDN	1490000
119	119	8033416833	Sửa xe Lan	158B NGUYỄN HUỆ, P. PHÚ CƯỜNG, THÀNH PHỐ THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Lệ phí môn bài	4956000
120	120	079182174217	Cà phê Thúy	350 Trần Phú, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Lệ phí môn bài	37987000
121	121	3771821933	Công ty TNHH MTV Bất động sản Ánh Dương	420/45 Xô Viết Nghệ Tĩnh, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	7344000
122	122	3790019194	Công ty TNHH Thực phẩm Thành Công	58 Hoàng Hoa Thám, PTân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế khoán hộ kinh doanh	5749000
123	123	3790019194	Công ty TNHH Thực phẩm Thành Công	58 Hoàng Hoa Thám, PTân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Lệ phí môn bài	602000
124	124	3720337884	Doanh nghiệp tư nhân Giáo dục Hoàng Gia	118 Trần Quang Khải, Phường Phú Lợi, TP. Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế khoán hộ kinh doanh	5921000
125	125	8087710260	Hộ kinh doanh Nguyễn Tuệ	74 Đường DX 070, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế khoán hộ kinh doanh	60823000
126	126	3786745725	Công ty TNHH Xây dựng Phương Nam	240 Trương Công Định, P. Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Lệ phí môn bài	5614000
127	127	3786745725	Công ty TNHH Xây dựng Phương Nam	240 Trương Công Định, P. Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế khoán hộ kinh doanh	269000
128	128	8033818148	Hộ kinh doanh Nguyễn Hồng Trúc	203 HOÀNG HOA THÁM, PHƯỜNG TÂN AN, THÀNH PHỐ THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Lệ phí môn bài	7286000
129	129	8034653964	Sửa xe Hiển	368 Nguyễn Văn Trỗi, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Lệ phí môn bài	3222000
130	130	3751625089	Doanh nghiệp tư nhân Thực phẩm Sài Gòn 67	362/24 Hồng Bàng, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNCN	2559000
131	131	3751625089	Doanh nghiệp tư nhân Thực phẩm Sài Gòn 67	362/24 Hồng Bàng, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế khoán hộ kinh doanh	17312000
132	132	3751625089	Doanh nghiệp tư nhân Thực phẩm Sài Gòn 67	362/24 Hồng Bàng, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNDN	797000
133	133	8064216217	Hộ kinh doanh Nguyễn Nghĩa	16 Lý Tự Trọng, P. Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế TNCN	1704000
134	134	8064216217	Hộ kinh doanh Nguyễn Nghĩa	16 Lý Tự Trọng, P. Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế khoán hộ kinh doanh	839000
135	135	8053518350	Hộ kinh doanh Hoàng Văn Quang	58/26 Hai Bà Trưng P. Hòa Phú TP. Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế TNDN	13998000
136	136	3759949430	Công ty TNHH Bất động sản Tân Tiến	113 Hoàng Hoa Thám, Phường Phú An	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế GTGT	35546000
137	137	3771305016	Doanh nghiệp tư nhân Bất động sản Phú Quý	202 Hai Bà Trưng, Phường Bình Dương, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNDN	154000
138	138	3771305016	Doanh nghiệp tư nhân Bất động sản Phú Quý	202 Hai Bà Trưng, Phường Bình Dương, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNDN	42011000
139	139	3771305016	Doanh nghiệp tư nhân Bất động sản Phú Quý	202 Hai Bà Trưng, Phường Bình Dương, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Lệ phí môn bài	7350000
140	140	8070395162	Bánh mì Vũ	91/23 Trương Công Định, Phường Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Lệ phí môn bài	1317000
141	141	8060887711	Tiệm may Liêm	21 Nguyễn Văn Tiết, Phường Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Lệ phí môn bài	38321000
142	142	3737235873	Công ty TNHH Xuất nhập khẩu Đại Việt	395/30 Trần Phú, Phường Phú Cường, TP. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Lệ phí môn bài	9697000
143	143	3737235873	Công ty TNHH Xuất nhập khẩu Đại Việt	395/30 Trần Phú, Phường Phú Cường, TP. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Lệ phí môn bài	7223000
144	144	3737235873	Công ty TNHH Xuất nhập khẩu Đại Việt	395/30 Trần Phú, Phường Phú Cường, TP. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế khoán hộ kinh doanh	586000
145	145	8089092612	Tiệm tóc Tiên	9/27 Nguyễn Tất Thành, Phường Hòa Phú, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNCN	711000
146	146	8006414611	Hộ kinh doanh Phan Thành Hoàng Sơn	HẺM 240 NGUYỄN KIỆM, PTÂN AN, THÀNH PHỐ AHỦ DẦU MỘT, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế TNDN	1409000
147	147	3703130551	Công ty TNHH MTV Vận tải Phú Quý	193D Nguyễn Văn Trỗi, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế khoán hộ kinh doanh	5619000
148	148	3703130551	Công ty TNHH MTV Vận tải Phú Quý	193D Nguyễn Văn Trỗi, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế TNDN	3373000
149	149	3703130551	Công ty TNHH MTV Vận tải Phú Quý	193D Nguyễn Văn Trỗi, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	3759000
150	150	8010851766	Hộ kinh doanh Phạm Thị Nhung	313/59 Nguyễn Duy Trinh, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	2334000
151	151	8013571069	Tạp hóa Lệ	180/32/20 Nguyễn Huệ, Phường Phú Cường, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNCN	805000
152	152	8015364597	Hộ kinh doanh Nguyễn Văn Tùng	34 Nguyễn Sơn, P. Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế TNCN	896000
153	153	0306755865-001	Chi nhánh Công ty TNHH Phát triển Phúc Lộc 83 - Chi nhánh 1	149B Ba Tháng Hai, P. Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNCN	25116000
154	154	0342448281-001	Chi nhánh Công ty Cổ phần Đầu tư Tân Tiến - Chi nhánh 1	72/2/15 Huỳnh Văn Lũy, Phường Uhú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế khoán hộ kinh doanh	26550000
155	155	0399433730-001	Chi nhánh Công ty TNHH MTV Tư vấn Thành Công 90 - Chi nhánh 1	363 Trường Chinh, Phường Kiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	6673000
156	156	0399433730-001	Chi nhánh Công ty TNHH MTV Tư vấn Thành Công 90 - Chi nhánh 1	363 Trường Chinh, Phường Kiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế khoán hộ kinh doanh	10803000
157	157	0399433730-001	Chi nhánh Công ty TNHH MTV Tư vấn Thành Công 90 - Chi nhánh 1	363 Trường Chinh, Phường Kiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNDN	6752000
158	158	3779541671-001	Chi nhánh Công ty TNHH MTV Sản xuất Sài Gòn 96 - Chi nhánh 1	473 Lê Trọng Tấn, Phường Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNCN	18161000
159	159	3779541671-001	Chi nhánh Công ty TNHH MTV Sản xuất Sài Gòn 96 - Chi nhánh 1	473 Lê Trọng Tấn, Phường Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNDN	32525000
160	160	3779541671-001	Chi nhánh Công ty TNHH MTV Sản xuất Sài Gòn 96 - Chi nhánh 1	473 Lê Trọng Tấn, Phường Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Lệ phí môn bài	16909000
161	161	3787914736-002	Chi nhánh Công ty TNHH Phát triển Toàn Cầu 12 - Chi nhánh 2	360/28 Ba Cu, P. Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Lệ phí môn bài	1735000
162	162	3787914736-002	Chi nhánh Công ty TNHH Phát triển Toàn Cầu 12 - Chi nhánh 2	360/28 Ba Cu, P. Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế GTGT	2834000
163	163	3766989498-001	Chi nhánh Công ty TNHH May mặc An Khang 33 - Chi nhánh 1	163A Trần Phú Phường Hòa Phú Thành phố Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế GTGT	2715000
164	164	3766989498-001	Chi nhánh Công ty TNHH May mặc An Khang 33 - Chi nhánh 1	163A Trần Phú Phường Hòa Phú Thành phố Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Thuế khoán hộ kinh doanh	2170000
165	165	0367324136-001	Chi nhánh Công ty Cổ phần Thực phẩm Phúc Lộc - Chi nhánh 1	5/27 Võ Văn Kiệt, P.Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	3356000
166	166	3793049292-001	Chi nhánh Công ty Cổ phần Sản xuất Phúc Lộc - Chi nhánh 1	201 Lê Văn Việt, PTân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế TNDN	5316000
167	167	0347656944-001	Chi nhánh Công ty Cổ phần Xuất nhập khẩu Hoàng Gia 80 - Chi nhánh 1	457 NGUYỄN VĂN LƯỢNG, P. HÒA PHÚ, THÀNH PHỐ THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế khoán hộ kinh doanh	5020000
\.


ALTER TABLE ONLY "tax_718"."tax"
    ADD CONSTRAINT "tax_pkey" PRIMARY KEY (source_pk);

-- rows: 167
