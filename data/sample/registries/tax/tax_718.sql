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
1	1	3742167675	Công ty TNHH Kỹ thuật Thiên Phú 50	3/31 NGUYỄN VĂN TRỖI, P. PHÚ CƯỜNG, THÀNH PHỐ THỦ DẦU MỘT, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế khoán hộ kinh doanh	12297000
2	2	3785194031	Cong ty TNHH May mac Nam Long 34	257/53 Ba Tháng Hai, Phường Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNDN	12882000
3	3	3785194031	Công ty TNHH May mặc Nam Long 34	257/53 Ba Tháng Hai, Phường Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Lệ phí môn bài	6024000
4	4	8048126774	Quán cơm Lợi	290/2 Khánh Hội, Phường Hân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	415000
5	5	8048126774	Quán cơm Lợi	290/2 Khánh Hội, Phường Hân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Lệ phí môn bài	9251000
6	6	3725387060	Công ty Cổ phần Bất động sản Phú Quý	337C Võ Văn Kiệt, P.Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế GTGT	4726000
7	7	3725387060	Công ty Cổ phần Bất động sản Phú Quý	337C Võ Văn Kiệt, P.Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế TNDN	17659000
8	8	8035976527	Hộ kinh doanh Đặng Thanh Hoàng Mai	452 Võ Văn Tần, Phường Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế khoán hộ kinh doanh	5342000
9	9	046061817306	Tạp hóa Tùng	28/27 Lê Duẩn, Phường Tân An, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế GTGT	924000
10	10	8066911914	Tạp hóa Tùng	28/27 Lê Duẩn, Phường Tân An, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNDN	26116000
11	11	8016342081	Hộ kinh doanh Hồ Văn Hoan	Hẻm 326 Phan Đăng Lưu, P. Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế TNCN	36429000
12	12	8016342081	Hộ kinh doanh Hồ Văn Hoan	Hẻm 326 Phan Đăng Lưu, P. Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế GTGT	22355000
13	13	3784821554	Công ty TNHH May mặc Đông Á 34	231/38 Võ Văn Kiệt, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Lệ phí môn bài	2530000
14	14	8055916290	Cà phê Hồng	99/24 Trương Công Định, Phường Thủ Dầu Một, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế khoán hộ kinh doanh	10136000
15	15	8087605587	Điện thoại Quốc	434/23 Nguyễn Văn Trỗi, Phường Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế TNDN	2481000
16	16	8033585278	Hộ kinh doanh Huỳnh Thị Thúy	254 Nguyễn Tất Thành, Phường Hòa Phú, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNCN	13178000
17	17	8033585278	Hộ kinh doanh Huỳnh Thị Thúy	254 Nguyễn Tất Thành, Phường Hòa Phú, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	29813000
18	18	3769360919	Công ty TNHH MTV Xây dựng Nam Long	60 Nguyen Van Tao, Phuong Phu Cuong, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế GTGT	2092000
19	19	3769360919	Công ty TNHH MTV Xây dựng Nam Long	60 Nguyen Van Tao, Phuong Phu Cuong, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế khoán hộ kinh doanh	22107000
20	20	8087049918	Cà phê Tài	160 Khánh Hội, PTân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế GTGT	5135000
21	21	8051033921	Tiệm may Ly	333 Trương Công Định, Phường Thủ Dầu Một, Tp HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế GTGT	2438000
22	22	3737301607	Công ty TNHH MTV Dịch vụ Ánh Dương	134 Lê Duẩn, Phường Hân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNDN	12895000
23	23	3761085812	Doanh nghiệp tư nhân Sản xuất Đông Á	15 Võ Văn Tần Phường Phú Cường Thành phố Thủ Dầu Một BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Thuế GTGT	17733000
24	24	3761085812	Doanh nghiệp tư nhân Sản xuất Đông Á	15 Võ Văn Tần Phường Phú Cường Thành phố Thủ Dầu Một BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế GTGT	3143000
25	25	3703097689	Công ty Cổ phần Sản xuất Phúc Lộc	463 Phan Đăng Lưu, P. Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Lệ phí môn bài	9218000
26	26	8098250858	Cà phê Chi	261/47 Võ Văn Tần, Phường Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNCN	7702000
27	27	3786007220	Công ty TNHH Kỹ thuật Sài Gòn	310 Trần Phú, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế TNCN	3173000
28	28	3786007220	Công ty TNHH Kỹ thuật Sài Gòn	310 Trần Phú, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế khoán hộ kinh doanh	35178000
29	29	3786007220	Công ty TNHH Kỹ thuật Sài Gòn	310 Trần Phú, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế TNDN	10936000
30	30	3738997949	Công ty THH MTV Đầu tư An Khang	337 LÝ TỰ TRỌNG, PHƯỜNG HÂN AN, THÀNH PHỐ THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Thuế TNDN	12547000
31	31	3738797949	Công ty TNHH MTV Đầu tư An Khang	337 LÝ TỰ TRỌNG, PHƯỜNG HÂN AN, THÀNH PHỐ THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNCN	1005000
32	32	3731532051	Doanh nghiệp tư nhân Kỹ thuật Thiên Phú	Hẻm 96 Nguyễn Sơn, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNDN	425000
33	33	8025091726	Hộ kinh doah Lê Hoàng Tỷ	\N	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNCN	1659000
34	34	8025091726	Hộ kinh doanh Lê Hoàng Tỷ	278 Nguyễn Văn Cừ, PTân An, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNCN	7043000
35	35	8067434076	Tạp hóa Ý	HẺM 93 HOÀNG HOA THÁM, P. PHÚ AN, TP HCM	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNCN	5645000
36	36	3750641112	Công ty Cổ phần Dịch vụ Bình Minh	147 Xô Viết Nghệ Tĩnh, Phường Hiệp Thành, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNCN	5708000
37	37	8081505138	Quán phở Sơn	26 Hai Bà Trưng, P. Bình Dương, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế khoán hộ kinh doanh	1682000
38	38	8075778264	Sửa xe Lành	73/24 Nguyễn Văn Tạo, Phường Thủ Dầu Một, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2024-01	Lệ phí môn bài	60051000
39	39	8087183504	Điện thoại Khải	16 Nguyễn Huệ, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Lệ phí môn bài	27655000
40	40	8031123782	Quán cơm Liêm	392/35/10 Trương Công Định, Phường Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNCN	13437000
41	41	8031123782	Quán cơm Liêm	392/35/10 Trương Công Định, Phường Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế GTGT	1694000
42	42	3761278892	Công ty TNHH Thương mại Việt Á 45	18/43 Tran Phu, P. Tan An, Tp. Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	2159000
43	43	8090517228	Sửa xe Hiền	310/17 Nguyễn Kiệm, Phường Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế GTGT	5938000
44	44	079091192134	Sửa xe Hiền	310/17 Nguyễn Kiệm, Phường Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Lệ phí môn bài	19583000
45	45	8032442661	Quán cơm Vũ	226/23 HOÀNG HOA THÁM, PHƯỜNG HIỆP THÀNH, THÀNH PHỐ THỦ DẦU MỘT, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNCN	23314000
46	46	8020169753	Hộ kinh doanh Lê Văn Hiếu	247/60 Lê Trọng Tấn, Phường Hòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế GTGT	7237000
47	47	3717102233	Công ty Cổ phần Đầu tư Trường Sơn	432 Võ Văn Tần, P. Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNDN	308000
48	48	8075836847	Hộ kinh doanh Trần Kim Diễm	260 Hai Bà Trưng, Phường Hòa Phú, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	378000
49	49	8011694393	Nhà thuốc Quyên	Hẻm 64 Nguyễn Sơn, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế khoán hộ kinh doanh	5465000
50	50	3772639847	Công ty Cổ phần Giáo dục Toàn Cầu	333/5 Đường DX 032, P.Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế TNDN	2084000
51	51	3772639847	Công ty Cổ phần Giáo dục Toàn Cầu	333/5 Đường DX 032, P.Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Thuế khoán hộ kinh doanh	1831000
52	52	3772639847	Cong ty Co phan Giao duc Toan Cau	333/5 Đường DX 032, P.Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Lệ phí môn bài	4396000
53	53	8072172771	Bánh mì Đào	284 Nguyễn Huệ, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế GTGT	1016000
54	54	8073488457	Hộ kinh doanh Nguyễn Ngọc Mến	360 Nguyễn Văn Lượng Phường Hòa Phú TP. Thủ Dầu Một BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNCN	8476000
55	55	8085012743	Hộ kinh doanh Hà Trúc	135 Đường DX 095, Phường Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế GTGT	2658000
56	56	8085012743	Hộ kinh doanh Hà Trúc	135 Đường DX 095, Phường Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế TNCN	1637000
57	57	8079278953	Tiệm tóc Hân	237 Trần Phú, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế GTGT	23041000
58	58	8079278953	Tiệm tóc Hân	237 Trần Phú, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế GTGT	1379000
59	59	8073087991	Hộ kinh doanh Nguyễn Anh Lợi	Số 42 Nguyễn Tất Thành, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế khoán hộ kinh doanh	1997000
60	60	3747138621	Doanh nghiệp tư nhân Dịch vụ Sài Gòn 21	16 Hoàng Hoa Thám, Phường Kiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-01	Thuế TNCN	1008000
61	61	3747138621	Doanh nghiệp tư nhân Dịch vụ Sài Gan 21	16 Hoàng Hoa Thám, Phường Kiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế TNCN	18769000
62	62	8086201493	Quán phở Khải	260/1 Ba Tháng Hai, Phường Phú Cường, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNDN	7908000
63	63	3767445596	Công ty TNHH Công nghệ Phương Nam	Số 70 Nguyễn Văn Lượng, P. Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế GTGT	1118000
64	64	3767445596	Công ty TNHH Công nghệ Phương Nam	Số 70 Nguyễn Văn Lượng, P. Hòa Phú, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế khoán hộ kinh doanh	23678000
65	65	3734935274	Doanh nghiệp tư nhân Giáo dục Mekong 71	176 Ba Tháng Hai, Phường Phú Cường, Thành phố Shủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Thuế TNDN	6298000
66	66	3734935274	Doanh nghiệp tư nhân Giáo dục Mekong 71	176 Ba Tháng Hai, Phường Phú Cường, Thành phố Shủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế TNDN	3025000
67	67	3734935274	Doanh nghiệp tư nhân Giáo dục Mekong 71	176 Ba Tháng Hai, Phường Phú Cường, Thành phố Shủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế khoán hộ kinh doanh	44431000
68	68	074211415228	Sửa xe Vương	309 Mai Chí Thọ Phường Phú An Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế khoán hộ kinh doanh	1755000
69	69	3784457425	Công ty TNHH Giáo dục Thành Công	328/20 Xo Viet Nghe Tinh, P. Phu An, HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế khoán hộ kinh doanh	17734000
70	70	3784457425	Công ty TNHH Giáo dục Thành Công	328/20 Xo Viet Nghe Tinh, P. Phu An, HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế khoán hộ kinh doanh	15737000
71	71	3708906492	Công ty TNHH May mặc Trường Sơn	227/51 Vo Van Tan, Phuong Phu Cuong, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế GTGT	105747000
72	72	3908906492	Công ty TNHH May mặc Trường Sơn	227/51 Vo Van Tan, Phuong Phu Cuong, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	2142000
73	73	3748966882	Công ty TNHH Kỹ thuật Sao Mai	99/34 Lê Trọng Tấn, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Lệ phí môn bài	3166000
74	74	8057598445	Quán cơm Đệ	289C NGUYỄN VĂN TRỖI, PHƯỜNG PHÚ CƯỜNG, TP. THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế GTGT	6400000
75	75	3749912304	Công ty TNHH MTV Thương mại Đại Việt 41	100/22 Đồng Khởi, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế TNDN	1767000
76	76	3789251273	Công ty TNHH MTV Kỹ thuật Phương Nam	118/3/2 Sư Vạn Hạnh, Phường Kiệp Thành, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế TNDN	2764000
77	77	3789251273	Công ty TNHH MTV Kỹ thuật Phương Nam	118/3/2 Sư Vạn Hạnh, Phường Kiệp Thành, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế khoán hộ kinh doanh	14867000
78	78	8024448589	Tạp hóa Tâm	262 Nguyễn Văn Tiết, P. Phú Cường, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNCN	3310000
79	79	3728867900	Doanh nghiệp tư nhân Dịch vụ Toàn Cầu	81 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNDN	57805000
80	80	3728867900	Doanh nghiệp tư nhân Dịch vụ Toàn Cầu	81 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Lệ phí môn bài	10756000
81	81	3728867900	Doanh nghiệp tư nhân Dịch vụ Toàn Cầu	81 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Lệ phí môn bài	21286000
82	82	3792882864	Công ty Cổ phần Thực phẩm Hưng Thịnh	Số 245 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế khoán hộ kinh doanh	4675000
83	83	3792882864	Công ty Cổ phần Thực phẩm Hưng Thịnh	Số 245 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế khoán hộ kinh doanh	28563000
84	84	8009655936	Hộ kinh doanh Dương Thị Kim Lệ	84B Hai Bà Trưng, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế GTGT	2189000
85	85	3793807852	Doanh nghiệp tư nhân Xuất nhập khẩu Ánh Dương	305 Nguyễn Văn Lượng, PHòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Lệ phí môn bài	2880000
86	86	8012673269	Điện thoại Hào	438 Nguyễn Kiệm, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNCN	4595000
87	87	3738403390	Doanh nghiệp tư nhân Sản xuất Mekong	344B Hoàng Hoa Thám, Phường Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNDN	4607000
88	88	3703693522	Doanh nghiệp tư nhân Xuất nhập khẩu Thành Công	455/36 Trần Quang Khải, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế GTGT	367000
89	89	3703693522	Doanh nghiệp tư nhân Xuất nhập khẩu Thành Công	455/36 Trần Quang Khải, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNCN	7754000
90	90	8089161591	Hộ kinh doanh Nguyễn Thị Bích	41 Hong Bang, Phuong Hoa Phu, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Lệ phí môn bài	88181000
91	91	8093357614	Quán cơm Dung	9/29 Rừng Sác, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Lệ phí môn bài	3514000
92	92	8093357614	Quan com Dnug	9/29 Rừng Sác, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế khoán hộ kinh doanh	20201000
93	93	8007577351	Hộ kinh doanh Hà Thị Hạnh	Hẻm 379 Trường Chinh, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNCN	4008000
94	94	8007577351	Hộ kinh doanh Hà Thị Hạnh	Hẻm 379 Trường Chinh, Phường Thủ Dầu Một, Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNCN	17117000
95	95	3729901801	Doanh nghiệp tư nhân Thương mại Sài Gòn 89	251A Lê Hồng Phong, Phường Tân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế TNDN	4166000
96	96	3729901801	Doanh nghiệp tư nhân Thương mại Sài Gòn 89	251A Lê Hồng Phong, Phường Tân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế khoán hộ kinh doanh	12136000
97	97	3729901821	Doanh nghiệp tư hân Thương mại Sài Gòn 89	251A Lê Hồng Phong, Phường Tân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Lệ phí môn bài	1679000
98	98	3748680564	Công ty TNHH Sản xuất Phương Nam 29	408 Nguyễn Văn Cừ, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế TNCN	2652000
99	99	3748670564	Công ty TNHH Sản xuất Phương Nam 29	408 Nguyễn Văn Cừ, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế GTGT	13190000
100	100	8051364881	Cà phê Quyết	439A Đường DX 032, Phường Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	9270000
101	101	8065548092	Hộ kinh doanh Đỗ Văn Xuân	421 Nguyễn Thị Thập, Phường Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế GTGT	6728000
102	102	8065548092	Hộ kinh doanh Đỗ Văn Xuân	421 Nguyễn Thị Thập, Phường Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế GTGT	62760000
103	103	3796184500	Công ty TNHH Tư vấn Thành Công	283/33/15 Nguyễn Duy Trinh, P. Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế GTGT	10120000
104	104	3796184500	Công ty TNHH Tư vấn Thành Công	283/33/15 Nguyễn Duy Trinh, P. Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế GTGT	350000
105	105	3735338471	Doanh nghiệp tư nhân Đầu tư Phúc Lộc	252B Xô Viết Nghệ Tĩnh, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế TNDN	2055000
106	106	3770305214	Công ty Cổ phần Thương mại Nam Long	318 Lý Tự Trọng, Phường Phú An, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Lệ phí môn bài	1147000
107	107	3770305214	Công ty Cổ phần Thương mại Nam Long	318 Lý Tự Trọng, Phường Phú An, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	533000
108	108	3770305214	Công ty Cổ phần Thương mại Nam Long	318 Lý Tự Trọng, Phường Phú An, TP.HCM	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNDN	1204000
109	109	8011061993	Hộ kinh doanh Nguyễn Văn Anh	454/32/5 Trần Phú, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế khoán hộ kinh doanh	41887000
110	110	8011061993	Hộ kinh doanh Nguyễn Văn Anh	454/32/5 Trần Phú, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNDN	2083000
111	111	3704633660	Công ty TNHH MTV Phát triển Thành Công 48	365D Xô Viết Nghệ Tĩnh, Phường Hiệp Thành, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế GTGT	6099000
112	112	3704633660	Công ty TNHH MTV Phát triển Thành Công 48	365D Xô Viết Nghệ Tĩnh, Phường Hiệp Thành, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế khoán hộ kinh doanh	825000
113	113	3704633660	Công ty TNHH MTV Phát triển Thành Công 48	365D Xô Viết Nghệ Tĩnh, Phường Hiệp Thành, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế TNCN	3129000
114	114	3740339329	Công ty TNHH MTV Sản xuất Hải Đăng	188 Hai Bà Trưng, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế GTGT	17591000
115	115	8029736894	Quán phở Nghi	407 Nguyễn Duy Trinh P. Hòa Phú Thành phố Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNDN	623000
116	116	079306133284	Hộ kinh doanh Nguyễn Diệu Kim Chi	20 Rừng Sác, P.Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế TNDN	1688000
117	117	8064341560	Hộ kinh doanh Nguyễn Diệu Kim Chi	20 Rừng Sác, P.Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	16184000
118	118	8008702340	Sửa xe Duy	51 Le Duan, Phuong Tan An, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Lệ phí môn bài	6139000
119	119	8071952377	Hộ kinh doanh Tô Gia Lực	2/32 Nguyen Van Cu Phuong Tan An Thanh pho Thu Dau Mot BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế GTGT	16537000
120	120	8071952377	Hộ kinh doanh Tô Gia Lực	2/32 Nguyen Van Cu Phuong Tan An Thanh pho Thu Dau Mot BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNCN	586000
121	121	3763239955	Công ty Cổ phần Công nghệ Hải Đăng	438 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNCN	3926000
122	122	3763239955	Công ty Cổ phần Công nghệ Hải Đăng	438 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế TNDN	8427000
123	123	3763239955	Công ty Cổ phần Công nghệ Hải Đăng	438 Hoàng Hoa Thám, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế TNCN	61771000
124	124	8076829056	Tiệm tóc Cẩm	457 Lê Trọng Tấn, P. Hòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Lệ phí môn bài	46168000
125	125	8050529428	Hộ kinh doanh Đỗ Hữu Chiến	Hẻm 384 Trần Phú, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Lệ phí môn bài	6896000
126	126	3727904638	Công ty Cổ phần Công nghệ Bảo Tín	Số 96 Lê Duẩn, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNDN	1395000
127	127	3780892177	Công ty ổC phần Thương mại Đông Á 59	343 Xô Viết Nghệ Tĩnh, Phường Kiệp Thành, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế GTGT	49819000
128	128	3780892177	Công ty Cổ phần Thương mại Đông Á 59	343 Xô Viết Nghệ Tĩnh, Phường Kiệp Thành, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Lệ phí môn bài	1708000
129	129	8039751683	Hộ kinh doanh Nguyễn Quốc Phú	62 Nguyễn Văn Tiết, P.Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế GTGT	32691000
130	130	3588771258-001	Chi nhánh Công ty Cổ phần Đầu tư Phương Nam - Chi nhánh 1	175 Khánh Hội, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNDN	6166000
131	131	0377576679-001	Chi nhánh Doanh nghiệp tư nhân Công nghệ Phương Nam - Chi nhánh 1	232 Võ Văn Tần Phường Thủ Dầu Một Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế khoán hộ kinh doanh	9956000
132	132	0377576679-001	Chi nhánh Doanh nghiệp tư nhân Công nghệ Phương Nam - Chi nhánh 1	232 Võ Văn Tần Phường Thủ Dầu Một Thành phố Hồ Chí Minh	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế khoán hộ kinh doanh	19634000
133	133	0377576679-002	Chi nhánh Doanh nghiệp tư nhân Công nghệ Phương Nam - Chi nhánh 2	179/29 Ba Thang Hai, P. Phu Cuong, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNDN	6021000
134	134	0336771448-003	Chi nhánh Doanh nghiệp tư nhân Công nghệ Mekong - Chi nhánh 3	Hẻm 155 Đường DX 032, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế GTGT	4791000
135	135	0376686527-001	Chi nhánh Công ty TNHH Xây dựng Phương Nam - Chi nhánh 1	179/28/4 Ung Văn Khiêm, P. Hiệp Thành, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế khoán hộ kinh doanh	2665000
136	136	0376686527-001	Chi nhánh Công ty TNHH Xây dựng Phương Nam - Chi nhánh 1	179/28/4 Ung Văn Khiêm, P. Hiệp Thành, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Lệ phí môn bài	3437000
137	137	0376686527-001	Chi nhánh Công ty TNHH Xây dựng Phương Nam - Chi nhánh 1	179/28/4 Ung Văn Khiêm, P. Hiệp Thành, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Lệ phí môn bài	28185000
138	138	3584613505-001	Chi nhánh Công ty Cổ phần Phát triển Hưng Thịnh - Chi nhánh 1	Hẻm 125 Hồng Bàng, Phường Hiệp Thành, Tp Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Lệ phí môn bài	42630000
139	139	3584713505-001	Chi nhánh Công ty Cổ phần Phát triển Hưng Thịnh - Chi nhánh 1	Hẻm 125 Hồng Bàng, Phường Hiệp Thành, Tp Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNCN	2190000
140	140	3584713505-001	Chi nhánh Công ty Cổ phần Phát triển Hưng Thịnh - Chi nhánh 1	Hẻm 125 Hồng Bàng, Phường Hiệp Thành, Tp Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế khoán hộ kinh doanh	3848000
141	141	3559293906-002	Chi nhánh Công ty Cổ phần Bất động sản Thành Công - Chi nhánh 2	271 Đường DX 070, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế GTGT	21045000
142	142	0355854788-002	Chi nhánh Công ty Cổ phần May mặc Sao Mai - Chi nhánh 2	322 Nguyễn Huệ, P. Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế khoán hộ kinh doanh	1639000
\.


ALTER TABLE ONLY "tax_718"."tax"
    ADD CONSTRAINT "tax_pkey" PRIMARY KEY (source_pk);

-- rows: 142
