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
1	1	8046861503	Quán cơm Trâm	7/8 Huỳnh Tấn Phát, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế khoán hộ kinh doanh	272000
2	2	8022316474	Hộ kinh doanh Hồ Thị Yến	91 Hà Huy Giáp, P. Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNCN	9179000
3	3	8083257498	Quán cơm Thái	413D Nguyễn Duy Trinh, Phường Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế GTGT	19506000
4	4	079162657889	Nhà thuốc Khánh	449 Nguyễn Duy Trinh, PTân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNDN	1797000
5	5	3797715747	Doanh nghiệp tư nhân Giáo dục An Khang	12 Lê Duẩn, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Lệ phí môn bài	7718000
6	6	3797715747	Doanh nghiệp tư nhân Giáo dục An Khang	12 Lê Duẩn, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNDN	1522000
7	7	3797715747	Doanh nghiệp tư nhân Giáo dục An Khang	12 Lê Duẩn, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế khoán hộ kinh doanh	3234000
8	8	3751139385	Công ty Cổ phần Vận tải Bình Minh	Hẻm 471 Võ Văn Kiệt, Phường Phú Cường, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Lệ phí môn bài	524000
9	9	3740061909	Công ty TNHH Tư vấn Sài Gòn 91	371 Hoàng Hoa Thám, Phường Uhú Cường, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế GTGT	2497000
10	10	3740061909	Công ty TNHH Tư vấn Sài Gòn 91	371 Hoàng Hoa Thám, Phường Uhú Cường, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNCN	2815000
11	11	3740061909	Công ty TNHH Tư vấn Sài Gòn 91	371 Hoàng Hoa Thám, Phường Uhú Cường, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế GTGT	4040000
12	12	3732582665	Doanh nghiệp tư nhân Thực phẩm Hải Đăng	16/49 Quang Trung, PHòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Lệ phí môn bài	747000
13	13	3732582665	Doanh nghiệp tư nhân Thực phẩm Hải Đăng	16/49 Quang Trung, PHòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Lệ phí môn bài	15318000
14	14	3743636626	Doanh nghiệp tư nhân Dịch vụ Minh Phát	154/50 Rừng Sác, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Thuế TNDN	41855000
15	15	079096264883	Bánh mì Sỹ	Hẻm 366 Võ Nguyên Giáp, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế GTGT	14766000
16	16	040159418707	Sửa xe Trang	Hẻm 191 Hùng Vương, PTân An, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNDN	9868000
17	17	079155424497	Hộ kinh doanh Trần Thị Cúc	50 Võ Văn Tần, P. Hiệp Thành, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNCN	12451000
18	18	8041321409	Hộ kinh doanh Lê Quốc Trí	390/52 Hà Huy Giáp, P.Phú Cường, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế GTGT	12016000
19	19	8041321409	Hộ kinh doanh Lê Quốc Trí	390/52 Hà Huy Giáp, P.Phú Cường, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế TNCN	2025000
20	20	3778515622	Công ty Cổ phần Công nghệ Đại Việt 23	Hẻm 238 Nguyễn Văn Tạo, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế TNCN	19331000
21	21	3778515622	Công ty Cổ phần Công nghệ Đại Việt 23	Hẻm 238 Nguyễn Văn Tạo, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế TNCN	6323000
22	22	8026065101	Quán phở Chi	207/54 Nguyễn Trãi, P. Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế khoán hộ kinh doanh	3754000
23	23	8092542847	Điện thoại Hòa	333/6/11 Phan Đăng Lưu, Phường Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNDN	2687000
24	24	8060331561	Tiệm tóc Quyên	Hẻm 322 Phan Xích Long, Phường Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế GTGT	9263000
25	25	8033732701	Bánh mì Quyên	336 Phan Xích Long, Phường Hòa Phú, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế khoán hộ kinh doanh	87680000
26	26	8027853320	Hộ kinh doanh Nguyễn Hồng Liễu	Hẻm 202 Phan Xích Long, P. Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	9789000
27	27	3743832469	Công ty TNHH MTV Thương mại Hải Đăng	435 Thuy Van, Phuong Hiep Thanh, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-01	Thuế GTGT	22373000
28	28	3743832469	Công ty TNHH MTV Thương mại Hải Đăng	435 Thuy Van, Phuong Hiep Thanh, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Lệ phí môn bài	17781000
29	29	3743832469	Công ty TNHH MTV Thương mại Hải Đăng	435 Thuy Van, Phuong Hiep Thanh, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-05	Thuế khoán hộ kinh doanh	5413000
30	30	8009448658	Tiệm may Hiền	236 Lê Văn Lương, P.Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế khoán hộ kinh doanh	4047000
31	31	8009448658	Tiệm may Hiền	236 Lê Văn Lương, P.Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Thuế TNDN	18830000
32	32	8006550050	Hộ kinh doanh Nguyễn Hữu Nhật	358/44 Le Hong Phong, P. Tan An, Tp. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế khoán hộ kinh doanh	9231000
33	33	8047194027	Quán cơm Phước	336/29 Lạc Long Quân, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Lệ phí môn bài	1154000
34	34	8097800925	Quán phở Hoa	Số 153 Điện Biên Phủ Phường Tân An Thành phố Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	13187000
35	35	3736306842	Công ty Cổ phần Xây dựng Thành Công	239/48 Lê Duẩn, P. Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế khoán hộ kinh doanh	1799000
36	36	3736306842	Công ty Cổ phần Xây dựng Thành Công	239/48 Lê Duẩn, P. Hiệp Thành, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Lệ phí môn bài	890000
37	37	8011763865	Hộ kinh doanh Nguyễn Thị Điệp	380 Nguyễn Chí Thanh, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNCN	52915000
38	38	8089902553	Hộ kinh doanh Nguyễn Bảo Hoa	392 Lê Lợi, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	10573000
39	39	8089902553	Hộ kinh doanh Nguyễn Bảo Hoa	392 Lê Lợi, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế khoán hộ kinh doanh	8646000
40	40	3798697932	Công ty TNHH MTV Dịch vụ Việt Á	56/19/13 Nguyễn Sơn, P. Phú Cường, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	12821000
41	41	8070059724	Tạp hóa Chi	420 Nguyễn Văn Linh, P. Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế khoán hộ kinh doanh	2703000
42	42	3750835661	Công ty TNHH MTV Phát triển Việt Á	83/35 Đinh Tiên Hoàng, Phường Phú Cường, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế TNDN	1889000
43	43	3700145140	Công ty TNHH May mặc Phú Quý 17	Hẻm 410 Nguyễn Đình Chiểu, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNCN	2037000
44	44	3733386328	Công ty Cổ phần Công nghệ Thành Công	59A Nguyễn Văn Trỗi, Phường Phú Cường, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Lệ phí môn bài	10148000
45	45	3744431004	Doanh nghiệp tư nhân Công nghệ Tân Tiến	284/44 Tôn Đức Thắng, Phường Phú Cường, Thành phố Shủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế GTGT	7856000
46	46	3744431004	Doanh nghiệp tư nhân Công nghệ Tân Tiến	284/44 Tôn Đức Thắng, Phường Phú Cường, Thành phố Shủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Lệ phí môn bài	27613000
47	47	3744431004	Doanh nghiệp tư nhân Công nghệ Tân Tiến	284/44 Tôn Đức Thắng, Phường Phú Cường, Thành phố Shủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-04	Lệ phí môn bài	36637000
48	48	079082181635	Tiệm may Vinh	44 Hùng Vương, Phường Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Lệ phí môn bài	3725000
49	49	3788655548	Công ty TNHH MTV Đầu tư Thiên Phú	84/37/12 Lý Thường Kiệt, Phường Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế khoán hộ kinh doanh	2801000
50	50	8090853276	Hộ kinh doanh Đỗ Gia Thương	337/55 Nguyễn Hữu Cảnh, P. Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế khoán hộ kinh doanh	20116000
51	51	8090853276	Hộ kinh doanh Đỗ Gia Thương	337/55 Nguyễn Hữu Cảnh, P. Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế khoán hộ kinh doanh	12412000
52	52	3714591226	Công ty Cổ phần Thực phẩm Sài Gòn	So 22 Nguyen Oanh, Phuong Hoa Phu, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Lệ phí môn bài	4086000
53	53	3714591226	Công ty Cổ phần Thực phẩm Sài Gòn	So 22 Nguyen Oanh, Phuong Hoa Phu, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế GTGT	16824000
54	54	3714591226	Công ty Cổ phần Thực phẩm Sài Gòn	So 22 Nguyen Oanh, Phuong Hoa Phu, Thanh pho Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế TNDN	2275000
55	55	8091449475	Tiệm tóc Thu	300 Ba Cu, P.Phú Cường, TP.Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế khoán hộ kinh doanh	4507000
56	56	3779647371	Công ty TNHH Thực phẩm Thiên Phú	186/19 Ly Tu Trong, Phuong Phu Cuong, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế GTGT	1276000
57	57	3779647371	Công ty TNHH Thực phẩm Thiên Phú	186/19 Ly Tu Trong, Phuong Phu Cuong, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNCN	8940000
58	58	3728317449	Công ty TNHH MTV Bất động sản Bình Minh 14	260 Nguyễn Trãi, PHòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế khoán hộ kinh doanh	1178000
59	59	3728317449	Công ty TNHH MTV Bất động sản Bình Minh 14	260 Nguyễn Trãi, PHòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNDN	1067000
60	60	3728317449	Công ty TNHH MTV Bất động sản Bình Minh 14	260 Nguyễn Trãi, PHòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế TNCN	3356000
61	61	8019828955	Nhà thuốc Huyền	53/50 Hùng Vương, Phường Hòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế khoán hộ kinh doanh	1508000
62	62	3772032001	Công ty Cổ phần Kỹ thuật Phúc Lộc	36 VÕ NGUYÊN GIÁP, PHƯỜNG HÒA PHÚ, THÀNH PHỐ THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế khoán hộ kinh doanh	38284000
63	63	3772032001	Công ty Cổ phần Kỹ thuật Phúc Lộc	36 VÕ NGUYÊN GIÁP, PHƯỜNG HÒA PHÚ, THÀNH PHỐ THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNCN	14960000
64	64	8074761691	Điện thoại Thuận	469C Thùy Vân, Phường Hiệp Thành, TP.Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNCN	5461000
65	65	8048226190	Hộ kinh doanh Phạm Xuân Minh Tú	334A Phạm Văn Chiêu, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Thuế GTGT	4171000
66	66	8048226190	Hộ kinh doanh Phạm Xuân Minh Tú	334A Phạm Văn Chiêu, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Lệ phí môn bài	1755000
67	67	3735856473	Công ty TNHH Thực phẩm Phúc Lộc	377/15 Trần Quang Khải, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế GTGT	5160000
68	68	3735856473	Công ty TNHH Thực phẩm Phúc Lộc	377/15 Trần Quang Khải, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế GTGT	1820000
69	69	8014340177	Bánh mì Hoan	75 An Dương Vương, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế GTGT	15969000
70	70	8014340177	Bánh mì Hoan	75 An Dương Vương, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-06	Lệ phí môn bài	1779000
71	71	3773797003	Doanh nghiệp tư nhân Thương mại Sao Mai 62	460 Nguyễn Thị Minh Khai, Phường Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Lệ phí môn bài	4187000
72	72	3773797003	Doanh nghiệp tư nhân Thương mại Sao Mai 62	460 Nguyễn Thị Minh Khai, Phường Hòa Phú, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế TNDN	48150000
73	73	3798297725	Công ty Cổ phần Thương mại Kim Long 84	Hẻm 467 Nguyễn Oanh, Phường Hòa Phú, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế khoán hộ kinh doanh	3805000
74	74	3798297725	Công ty Cổ phần Thương mại Kim Long 84	Hẻm 467 Nguyễn Oanh, Phường Hòa Phú, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-01	Lệ phí môn bài	5491000
75	75	3739351106	Doanh nghiệp tư nhân May mặc Minh Phát	77C Điện Biên Phủ, Phường Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNDN	13048000
76	76	3739351106	Doanh nghiệp tư nhân May mặc Minh Phát	77C Điện Biên Phủ, Phường Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế TNCN	1671000
77	77	3739351106	Doanh nghiệp tư nhân May mặc Minh Phát	77C Điện Biên Phủ, Phường Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế TNDN	14403000
78	78	8040361896	Tạp hóa Hạ	463 Nguyễn Văn Trỗi, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế TNDN	1138000
79	79	017183074863	Tạp hóa Hạ	463 Nguyễn Văn Trỗi, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNDN	6795000
80	80	8079649245	Hộ kinh doanh Nguyễn Thanh Tường	378/6 Xo Viet Nghe Tinh, Phuong Phu Cuong, TP. Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNCN	3980000
81	81	8042583693	Quán phở Quang	85 Khanh Hoi, Phuong Phu Cuong, TP. Thu Dau Mot, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế khoán hộ kinh doanh	10581000
82	82	3749297955	Công ty TNHH Đầu tư Hoàng Gia	197/29 Lê Trọng Tấn, Phường Tân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế GTGT	203000
83	83	3749297955	Công ty TNHH Đầu tư Hoàng Gia	197/29 Lê Trọng Tấn, Phường Tân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế khoán hộ kinh doanh	2534000
84	84	3749297955	Công ty TNHH Đầu tư Hoàng Gia	197/29 Lê Trọng Tấn, Phường Tân An, Tp. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế TNDN	1791000
85	85	8092844774	Nhà thuốc Hiền	456/18 Nguyễn Văn Cừ, PHòa Phú, Thành phố Lhủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Thuế TNCN	21865000
86	86	8034970882	Sửa xe Thương	20 Trần Quang Khải, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	4048000
87	87	8000944436	Hộ kinh doanh Bùi Trung Thu Thịnh	360/13 Vo Van Tan, Phuong Phu Cuong, TP. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế GTGT	22374000
88	88	3719199171	Doanh nghiệp tư nhân Tư vấn Đại Việt	59/29 Lê Duẩn, P. Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế GTGT	7564000
89	89	3719199171	Doanh nghiệp tư nhân Tư vấn Đại Việt	59/29 Lê Duẩn, P. Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNCN	3023000
90	90	3742549681	Công ty TNHH MTV May mặc Hoàng Gia	352 Nguyễn Huệ, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế khoán hộ kinh doanh	5709000
91	91	3742549681	Công ty TNHH MTV May mặc Hoàng Gia	352 Nguyễn Huệ, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Lệ phí môn bài	44226000
92	92	3766822925	Công ty TNHH MTV Công nghệ Tân Tiến	163 Vo Nguyen Giap, P. Hoa Phu, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế GTGT	4377000
93	93	8008945960	Quán cơm Yến	320 Điện Biên Phủ, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế GTGT	7481000
94	94	8061381068	Quán phở Tuệ	411 Trần Phú, P.Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-01	Thuế TNDN	11115000
95	95	3735570178	Công ty Cổ phần Công nghệ Bình Minh	199/13/20 Bà Hom, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Lệ phí môn bài	13832000
96	96	002185873511	Hộ kinh doanh Trần Thị Đan	287/47 Cộng Hòa, Phường Hiệp Thành, TP.Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế TNDN	52804000
97	97	3738449966	Công ty Cổ phần Thực phẩm Phương Nam 36	269/20 Nguyen Dinh Chieu, Phuong Hiep Thanh, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-07	Thuế TNCN	131491000
98	98	3738449966	Công ty Cổ phần Thực phẩm Phương Nam 36	269/20 Nguyen Dinh Chieu, Phuong Hiep Thanh, Thanh pho Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Lệ phí môn bài	4368000
99	99	3797867443	Công ty TNHH Tư vấn Bảo Tín	SỐ 402 NGUYỄN ĐÌNH CHIỂU, PHƯỜNG PHÚ CƯỜNG, TP. THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	2025-04	Lệ phí môn bài	46193000
100	100	3797867443	Công ty TNHH Tư vấn Bảo Tín	SỐ 402 NGUYỄN ĐÌNH CHIỂU, PHƯỜNG PHÚ CƯỜNG, TP. THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế TNCN	2515000
101	101	3797867443	Công ty TNHH Tư vấn Bảo Tín	SỐ 402 NGUYỄN ĐÌNH CHIỂU, PHƯỜNG PHÚ CƯỜNG, TP. THỦ DẦU MỘT, TỈNH BÌNH DƯƠNG	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNDN	1745000
102	102	3745353856	Doanh nghiệp tư nhân Thương mại Sao Mai	Hem 162 Vo Van Tan, Phuong Phu Cuong, TP. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế GTGT	519000
103	103	3745353856	Doanh nghiệp tư nhân Thương mại Sao Mai	Hem 162 Vo Van Tan, Phuong Phu Cuong, TP. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Lệ phí môn bài	73608000
104	104	3745353856	Doanh nghiệp tư nhân Thương mại Sao Mai	Hem 162 Vo Van Tan, Phuong Phu Cuong, TP. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế GTGT	4289000
105	105	8036682142	Tiệm may Hậu	247 Nguyen Son, Phuong Phu Cuong, TP. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Lệ phí môn bài	6591000
106	106	8036682142	Tiệm may Hậu	247 Nguyen Son, Phuong Phu Cuong, TP. Thu Dau Mot, Tinh Binh Duong	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Lệ phí môn bài	833000
107	107	8016186717	Sửa xe Mai	35/2/18 Ung Văn Khiêm, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế TNDN	4472000
108	108	8016186717	Sửa xe Mai	35/2/18 Ung Văn Khiêm, Phường Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	3278000
109	109	8034178395	Quán cơm Cúc	272B Hùng Vương, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế TNDN	3250000
110	110	3751412852	Doanh nghiệp tư nhân Vận tải Sài Gòn 7	257 Nguyễn Xí, P. Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNDN	2933000
111	111	3751412852	Doanh nghiệp tư nhân Vận tải Sài Gòn 7	257 Nguyễn Xí, P. Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Lệ phí môn bài	9874000
112	112	8094846054	Tạp hóa Liễu	103/49 Nguyễn Thị Minh Khai, Phường Hòa Phú, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-01	Thuế TNCN	17568000
113	113	8083202594	Cà phê Danh	383 Xô Viết Nghệ Tĩnh, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế TNDN	4013000
114	114	8058504400	Hộ kinh doanh Nguyễn Ngọc Hoa	114 Bình Long, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNDN	1332000
115	115	3786957261	Công ty TNHH MTV Dịch vụ Phương Nam 85	21 Rừng Sác, P. Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Lệ phí môn bài	1546000
116	116	3786957261	Công ty TNHH MTV Dịch vụ Phương Nam 85	21 Rừng Sác, P. Tân An, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNDN	3714000
117	117	3782164504	Doanh nghiệp tư nhân Đầu tư Mekong 70	Hẻm 135 Tô Ký Phường Tân An Tp. Thủ Dầu Một Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế TNDN	41964000
118	118	8068363396	Bánh mì Vương	46 Đỗ Xuân Hợp, Phường Hân An, Tp. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế GTGT	1021000
119	119	8061185200	Quán phở Lực	146/17 Kha Vạn Cân, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNCN	1098000
120	120	079085667247	Quán phở Lực	146/17 Kha Vạn Cân, Phường Tân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế GTGT	22284000
121	121	3791602842	Công ty TNHH MTV Công nghệ Minh Phát	366 Tôn Đức Thắng, P. Hiệp Thành, Tp Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế GTGT	13016000
122	122	8043270277	Quán cơm Rạng	253/8/20 Huỳnh Văn Lũy, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế TNCN	12898000
123	123	8043270277	Quán cơm Rạng	253/8/20 Huỳnh Văn Lũy, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế TNCN	61150000
124	124	8015882045	Bánh mì Dũng	174 Lý Tự Trọng P. Phú Cường Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-07	Thuế TNDN	6920000
125	125	8015882045	Bánh mì Dũng	174 Lý Tự Trọng P. Phú Cường Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Thuế GTGT	25071000
126	126	8010961737	Quán cơm Sen	Số 289 Lê Trọng Tấn, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế khoán hộ kinh doanh	6930000
127	127	8096886207	Quán cơm Khánh	373 Nguyễn Văn Tạo, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế khoán hộ kinh doanh	3990000
128	128	8096886207	Quán cơm Khánh	373 Nguyễn Văn Tạo, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-08	Thuế khoán hộ kinh doanh	37176000
129	129	8010473352	Nhà thuốc Ánh	374 Âu Cơ, Phường Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-03	Thuế GTGT	594000
130	130	8057175182	Hộ kinh doanh Huỳnh Thùy Gia Nguyệt	Số 333 Khánh Hội, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2025	Thuế khoán hộ kinh doanh	2944000
131	131	8044413827	Tiệm may Hiển	322/3 Phan Đăng Lưu, Phường Phú Cường, Thành phố Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Thuế khoán hộ kinh doanh	2688000
132	132	8030524647	Nhà thuốc Phúc	462/7 An Dương Vương, Phường Tân An, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế TNCN	4410000
133	133	8098541310	Hộ kinh doanh Trần Thanh Nghi	367 Trường Chinh, Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNDN	19137000
134	134	8009195319	Nhà thuốc Nghĩa	12 Bình Long, Phường Hòa Phú, TP. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Lệ phí môn bài	3151000
135	135	3766620245	Công ty Cổ phần Bất động sản Bảo Tín 18	279 Lê Trọng Tấn, Phường Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế khoán hộ kinh doanh	10153000
136	136	8068802558	Tiệm may Bình	161C Âu Cơ, Phường Hân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2025	Lệ phí môn bài	4923000
137	137	8068802558	Tiệm may Bình	161C Âu Cơ, Phường Hân An, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế khoán hộ kinh doanh	11540000
138	138	8013777510	Tiệm tóc Hiệp	399 Ba Cu, Phường Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNDN	4886000
139	139	3736751226-002	Chi nhánh Doanh nghiệp tư nhân Đầu tư Hoàng Gia 74 - Chi nhánh 2	Hẻm 201 Nguyễn Ảnh Thủ, Phường Phú Cường, TP. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-03	Thuế TNDN	22859000
140	140	3736751226-002	Chi nhánh Doanh nghiệp tư nhân Đầu tư Hoàng Gia 74 - Chi nhánh 2	Hẻm 201 Nguyễn Ảnh Thủ, Phường Phú Cường, TP. Thủ Dầu Một	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Lệ phí môn bài	5947000
141	141	0361157231-001	Chi nhánh Doanh nghiệp tư nhân Xây dựng Việt Á - Chi nhánh 1	430 Trần Phú, PHòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-12	Thuế khoán hộ kinh doanh	3687000
142	142	3750511113-001	Chi nhánh Công ty TNHH Giáo dục Bình Minh 79 - Chi nhánh 1	94D Nguyễn Duy Trinh, P. Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-05	Thuế khoán hộ kinh doanh	39074000
143	143	0347361228-001	Chi nhánh Công ty TNHH Dịch vụ Tân Tiến 31 - Chi nhánh 1	Số 276 Lê Trọng Tấn, Phường Phú Cường, TP. Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế TNDN	2448000
144	144	3787344356-001	Chi nhánh Công ty TNHH MTV Thương mại Việt Á 23 - Chi nhánh 1	114/8 Nguyễn Huệ, Phường Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế khoán hộ kinh doanh	2675000
145	145	3719587907-003	Chi nhánh Công ty TNHH Xây dựng Kim Long 80 - Chi nhánh 3	110/33/15 Phạm Văn Bạch, P.Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-11	Thuế TNDN	148633000
146	146	3719587907-003	Chi nhánh Công ty TNHH Xây dựng Kim Long 80 - Chi nhánh 3	110/33/15 Phạm Văn Bạch, P.Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-10	Thuế khoán hộ kinh doanh	14892000
147	147	3719587907-003	Chi nhánh Công ty TNHH Xây dựng Kim Long 80 - Chi nhánh 3	110/33/15 Phạm Văn Bạch, P.Hiệp Thành, Tp Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế TNCN	1922000
148	148	0376300445-001	Chi nhánh Công ty TNHH Thực phẩm Kim Long - Chi nhánh 1	347/2 Lũy Bán Bích, P. Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế GTGT	10402000
149	149	0376300445-001	Chi nhánh Công ty TNHH Thực phẩm Kim Long - Chi nhánh 1	347/2 Lũy Bán Bích, P. Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNDN	3194000
150	150	0376300445-001	Chi nhánh Công ty TNHH Thực phẩm Kim Long - Chi nhánh 1	347/2 Lũy Bán Bích, P. Tân An, Tp. Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-06	Lệ phí môn bài	1163000
151	151	0343378703-001	Chi nhánh Doanh nghiệp tư nhân Thương mại Mekong 21 - Chi nhánh 1	Hẻm 149 Kha Vạn Cân, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-02	Thuế TNDN	41127000
152	152	0343378703-001	Chi nhánh Doanh nghiệp tư nhân Thương mại Mekong 21 - Chi nhánh 1	Hẻm 149 Kha Vạn Cân, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Lệ phí môn bài	31213000
153	153	0343378703-001	Chi nhánh Doanh nghiệp tư nhân Thương mại Mekong 21 - Chi nhánh 1	Hẻm 149 Kha Vạn Cân, Phường Hòa Phú, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2024-09	Thuế TNCN	36266000
154	154	0321347839-001	Chi nhánh Công ty TNHH Thực phẩm Mekong - Chi nhánh 1	14C Nguyễn Văn Trỗi, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế TNCN	33263000
155	155	0321347839-001	Chi nhánh Công ty TNHH Thực phẩm Mekong - Chi nhánh 1	14C Nguyễn Văn Trỗi, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	2025-02	Thuế GTGT	16886000
156	156	0321347839-001	Chi nhánh Công ty TNHH Thực phẩm Mekong - Chi nhánh 1	14C Nguyễn Văn Trỗi, P. Hòa Phú, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2025	Thuế GTGT	2095000
157	157	3708163166-001	Chi nhánh Công ty Cổ phần Kỹ thuật Thành Công 72 - Chi nhánh 1	399 Ung Văn Khiêm, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q3/2024	Thuế khoán hộ kinh doanh	8294000
158	158	3708163166-001	Chi nhánh Công ty Cổ phần Kỹ thuật Thành Công 72 - Chi nhánh 1	399 Ung Văn Khiêm, Phường Phú Cường, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	2025-08	Thuế TNCN	1649000
159	159	3708163166-003	Chi nhánh Công ty Cổ phần Kỹ thuật Thành Công 72 - Chi nhánh 3	284 Nguyễn Sơn, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q1/2024	Thuế TNCN	1170000
160	160	3708163166-003	Chi nhánh Công ty Cổ phần Kỹ thuật Thành Công 72 - Chi nhánh 3	284 Nguyễn Sơn, Phường Hiệp Thành, Thành phố Thủ Dầu Một, BD	Chi cục Thuế Thành phố Thủ Dầu Một	Q4/2024	Thuế khoán hộ kinh doanh	984000
161	161	0357278699-002	Chi nhánh Công ty Cổ phần Thực phẩm Sài Gòn - Chi nhánh 2	337 Nguyễn Duy Trinh, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương	Chi cục Thuế Thành phố Thủ Dầu Một	Q2/2024	Thuế khoán hộ kinh doanh	53695000
\.


ALTER TABLE ONLY "tax_718"."tax"
    ADD CONSTRAINT "tax_pkey" PRIMARY KEY (source_pk);

-- rows: 161
