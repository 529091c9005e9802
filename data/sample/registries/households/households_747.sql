--
-- wardbridge synthetic export: "households_747"."households"
-- Plain SQL, load with: psql -v ON_ERROR_STOP=1 -f <file> <database>
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS "households_747";

CREATE TABLE "households_747"."households" (
    source_pk bigint NOT NULL,
    "MA" text,
    "SOHK" text,
    "CHUHO" text,
    "CCCDCH" text,
    "DIACHI" text,
    "SONK" text,
    "NGAYDK" text
);

COPY "households_747"."households" (source_pk, "MA", "SOHK", "CHUHO", "CCCDCH", "DIACHI", "SONK", "NGAYDK") FROM stdin;
1	1	899270061	Lý Thị Diệu	079165779014	81B Lê Duẩn, Phường 1, Thành phố Vũng Tàu, BR-VT	6	23/11/2003
2	2	952352046	Phan Hữu Lợi	\N	110 Đồng Khởi, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	02/02/1996
3	3	309730156	Hoàng Thanh Thanh Thọ	070097222938	354 Lê Quang Định, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	28/06/2014
4	4	835654139	Trần Thuận	079047655099	397B Mai Chí Thọ, Phường 2, Thành phố Vũng Tàu	3	15/11/2006
5	5	123860721	Lê Quốc Hậu	074067495429	216 Mai Chí Thọ, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	02/11/2004
6	6	655358765	Nguyễn Ngọc Quốc Cẩm	079154493809	92 Bình Long, F. 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	02/12/2010
7	7	193265782	Lê Thùy Phượng	079157234501	362C Khánh Hội, P. 1, TP. Vũng Tàu, BR-VT	2	08/09/1997
8	8	705615237	Nguyễn Thùy Minh Hòa	045144987531	269 Võ Văn Tần, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	13/07/1995
9	9	491040315	Đỗ Văn Bách	\N	343 Nguyễn Chí Thanh, Phường 12, TP. Vũng Tàu	1	16/02/2010
10	10	014651017	Nguyễn Bảo Thương	077147116806	185/6/14 Tô Ký, Phường 2, Thành phố Sũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	12/07/2005
11	11	064237886	Phạm Tấn Hiển	079088623948	34 Lê Hồng Phong, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	03/06/2015
12	12	364663325	Nguyễn Minh Sỹ	079074227596	245 Nguyen Kiem, Phuong 10, TP Vung Tau, Tinh Ba Ria - Vung Tau	6	18/02/2023
13	13	283469946	La Hữu Kiên	074052076963	Số 250 Nguyễn Duy Trinh, P. 12, TP. Vũng Tàu, BRVT	3	07/10/2009
14	14	814983531	Lưu Văn Trường	\N	107 Nguyễn Văn Linh, 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	30/03/2020
15	15	523208156	Nguyễn Thị Hòa	079195294314	327/27 Mai Chi Tho, F.1, Thanh pho Vung Tau	5	15/07/2002
16	16	293296514	Nguyễn Thanh Phú	\N	291/48 Trần Hưng Đạo, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	26/02/2006
17	17	436341052	Tô Quốc Thu Kha	079083546945	298 Lý Thường Kiệt, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	30/12/2016
18	18	404637808	Lê Kim Mai Phúc	079153438821	Số 269 Lê Văn Việt F.12 Thành phố Eũng Tàu Tỉnh Bà Rịa - Vũng Tàu	1	27/05/2003
19	19	746066277	Phan Đức Danh	079069089798	131 Nguyễn Chí Thanh, Phường 1, Thành phố Vũng Tàu, BR-VT	7	21/09/2005
20	20	531314786	Trần Văn Dương	074091611194	220B Cộng Hòa, 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/05/1999
21	21	694049717	Đặng Gia Đăng	079046862364	314 Ba Cu, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	02/08/2022
22	22	332467884	Hoàng Hữu Lâm	074084511753	478D Lê Trọng Tấn, Phường 10, TP Vũng Tàu, BR-VT	4	28/08/2012
23	23	717764432	Lê Gia Phát	079095020762	Số 419 Hồng Bàng, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	05/05/1997
24	24	601023663	Nguyễn Quốc Nhân	079061290245	225/6 Lê Hồng Phong, 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	23/08/2013
25	25	691056242	Phạm Thùy Thương	079174269090	76/23 Nguyễn Sơn, Phường 12, Thành phố Vũng Tàu	3	24/09/2019
26	26	577193790	Võ Thu Nguyệt	079158017538	127A Ba Cu, P. 12, TP.Vũng Tàu, BRVT	6	08/02/2024
27	27	897033776	Nguyễn Ngọc Gia Giang	079154688198	76 Điện Biên Phủ, Phường 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	27/01/2013
28	28	045900469	La Hữu An	\N	435 Hùng Vương F. 2 Thành phố Vũng Tàu Tỉnh Bà Rịa - Vũng Tàu	2	13/05/2012
29	29	702133865	Phan Minh Gia Rạng	079047339342	432 Nguyễn Đình Chiểu, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	19/01/2021
30	30	386455232	Nguyễn Thị Diễm	077152234061	52 Nguyễn Đình Chiểu, 12, Thành phố Vũng Tàu	6	20/07/2021
31	31	937417241	Nguyễn Văn Hậu	079072803449	Hẻm 455 Tô Ký, Phường 12, Thành phố Vũng Tàu, BRVT	3	02/07/2000
32	32	579223067	Võ Ngọc Trinh	\N	15/7 Bùi Viện, 1, Thành phố Vũng Tàu, BR-VT	1	07/03/2024
33	33	491389858	Nguyễn Quốc Thông	\N	Số 90 Lê Duẩn, F.12, Thành phố Vũng Tàu	3	04/09/2014
34	34	528197334	Nguyễn Văn Út	042069748570	311/10 Truong Chinh, Phuong 2, TP Vung Tau	5	13/05/2006
35	35	647181780	Nguyễn Thanh Nguyên	079096372558	64A Nguyễn Chí Thanh, F. 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	18/07/1999
36	36	317282299	Nguyễn Gia Lộc	079084966461	Hẻm 251 Nguyễn Hữu Thọ, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	03/12/2021
37	37	865504156	Lê Thị Vân	079156718402	Số 196 Nguyễn Văn Tiết, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	01/06/2009
38	38	920101153	Nguyễn Văn Thạnh	074045001676	419 Bình Long, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	23/10/2016
39	39	022945884	Nguyễn Hữu Tường	077098317761	202 Hai Bà Trưng, Phường 1, TP. Vũng Tàu, BR-VT	6	21/05/1995
40	40	546385968	Quách Quốc Thanh Mẫn	017091507755	364/4/20 NGUYỄN KIỆM, PHƯỜNG 1, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	2	06/02/1999
41	41	020691803	Đinh Thị Mai Vy	079195380278	112B Huỳnh Tấn Phát, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	25/02/2022
42	42	382575365	Phạm Xuân Sang	087202644058	146 An Dương Vương, F.1, TP. Vũng Tàu, BR-VT	5	21/02/1998
43	43	797092859	Nguyễn Thị Khánh	046174998132	178 Yersin, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	21/04/2011
44	44	258160203	Nguyễn Quốc Tỷ	074073390406	223 Nguyễn Văn Linh, Phường 10, Thành phố Vũng Tàu, BR-VT	8	28/11/2019
45	45	360865954	Nguyễn Thị Quyên	079170856847	265 Võ Văn Kiệt, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	21/12/1995
46	46	351603479	Nguyễn Gia Hồ	079045074820	369 Trần Quang Khải, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	12/04/2003
47	47	782398132	Nguyễn Đức Thuận	074093739785	240 Âu Cơ, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	31/05/2018
48	48	788186338	Lê Anh Hiển	077048023452	361 Đỗ Xuân Hợp, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	11/08/2010
49	49	563564712	Nguyễn Thanh Liên	079190730452	113 Rừng Sác, F. 2, Thành phố Vũng Tàu, BR-VT	4	29/04/2000
50	50	904281290	Phan Văn Khánh	079066421173	206 Nguyễn Xí, Phường 10, Thành phố Pũng Tàu	2	07/05/2011
51	51	972390288	Huỳnh Thị Hạ	008181389260	143/42 VÕ VĂN KIỆT, PHƯỜNG 10, TP VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	8	11/08/2022
52	52	943120367	Nguyễn Văn Đạt	079095688811	184C Nguyễn Trãi, Phường 10, Thành phố Vũng Tàu, BR-VT	3	06/10/2016
53	53	856168582	Huỳnh Văn Công	079058644287	252/25 Nguyễn Duy Trinh F. 2 Thành phố Sũng Tàu BR-VT	3	22/09/1998
54	54	048250386	Võ Kim Liên	079182111415	24/24 Hoàng Văn Thụ, Phường 1, Thành phố Vũng Tàu	1	21/01/2002
55	55	712653948	Phạm Minh Hồ	074083369277	292C Phạm Văn Chiêu, Phường 12, Thành phố Vũng Tàu, BRVT	3	01/06/2015
56	56	207741738	Tạ Minh Ngọc	079187937326	318 Khanh Hoi, P. 1, Thanh pho Vung Tau, BR-VT	5	15/07/2014
57	57	699284463	Nguyễn Thị Linh	\N	66 Hồng Bàng, 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	24/08/1997
58	58	049257878	Lê Hữu Tâm	079091897352	Số 162 Nguyễn Văn Tiết, F.1, TP. Vũng Tàu, BR-VT	5	13/07/2006
59	59	022561855	Nguyễn Hữu Anh	091094568549	35 Hùng Vương, Phường 1, Thành phố Vũng Tàu	1	09/06/2003
60	60	654628062	Nguyễn Minh Long	\N	296 Nguyễn Huệ, 1, TP.Vũng Tàu	3	28/12/2022
61	61	899559357	Diệp Thành Giang	079075899556	53 Bình Long, Phường 2, Thành phố Vũng Tàu, BR-VT	4	12/03/2004
62	62	405452073	Phan Hoàng Hiển	\N	270/33/19 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, BRVT	5	03/07/2008
63	63	572701138	Nguyễn Văn Vũ	\N	294 Kha Vạn Cân Phường 2 Thành phố Vũng Tàu Tỉnh Bà Rịa - Vũng Tàu	7	15/07/2004
64	64	239973538	Lê Quốc Rạng	079089220098	215/23 Phan Xích Long, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	06/02/2018
65	65	391500457	Trần Khánh Nhạn	077301452411	50 Lê Văn Lương, Phường 2, Thành phố Vũng Tàu	3	28/04/2005
66	66	112684798	Lê Hoàng Thịnh	079078073199	258 Lê Lợi, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	29/05/2009
67	67	888091233	Trần Minh Dũng	074074081847	62/35/4 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, BRVT	2	25/03/2010
68	68	605073033	La Văn Thái	067076073107	431 Thùy Vân, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	21/05/2012
69	69	144762383	Hoàng Thị Trang	079168948725	197C An Dương Vương, Phường 1, Thành phố Vũng Tàu	6	12/09/2019
70	70	418005344	Nguyễn Văn Tường	079046832787	249 An Dương Vương, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	21/10/2005
71	71	904635080	Lê Kiều	\N	70/30 Tô Ký, P. 1, TP. Vũng Tàu	2	16/02/2018
72	72	550885398	Nguyễn Văn Nhựt	079062076395	197 Lac Long Quan, Phuong 1, TP. Vung Tau, Tinh Ba Ria - Vung Tau	5	25/05/2005
73	73	427683326	Hồ Minh Minh Nghĩa	077048790238	368D Võ Văn Kiệt, Phường 2, Thành phố Vũng Tàu, BR-VT	3	06/07/2023
74	74	194640925	Dương Thị Diễm	077193511988	143/37 Hoàng Văn Thụ, P. 12, TP. Vũng Tàu	5	13/09/2001
75	75	153666647	Nguyễn Lộc	\N	371/3 Nguyễn Xí, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	26/08/2001
76	76	704443696	Phạm Hoàng Mạnh	067056265875	179D Trần Quang Khải, Phường 10, Thành phố Vũng Tàu, BR-VT	3	30/06/2004
77	77	479950334	Lê Hữu Thành	\N	386/3 Yersin, Phường 12, Thành phố Eũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	30/06/2000
78	78	170780357	Huỳnh Anh Tường	079073781529	209/27 Nguyễn Duy Trinh, Phường 10, Thành phố Vũng Tàu, BR-VT	2	06/05/2013
79	79	155443876	Trần Thị Uyên	\N	128 Đồng Khởi, Phường 2, Thành phố Sũng Tàu, BR-VT	5	07/02/2009
80	80	173654842	Đặng Bảo Tuyền	074301934985	390 An Dương Vương, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	28/04/1996
81	81	298904774	Huỳnh Dương	017044352432	455B Nguyễn Sơn, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	12/03/1999
82	82	638239304	Phan Văn Thành	077098533632	333/22 Nguyễn Đình Chiểu, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	07/05/2022
83	83	173994553	Nguyễn Văn Tuấn	025054843653	344/24 NGUYỄN VĂN TẠO F.1 THÀNH PHỐ VŨNG TÀU BR-VT	2	26/08/1999
84	84	907415963	Bùi Trí	079064581594	132/45 Lê Quang Định, F. 10, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	26/09/2008
85	85	712112159	Bùi Minh Xuân	\N	Số 116 Nguyễn Văn Tạo, Phường 1, Thành phố Vũng Tàu, BR-VT	3	06/06/1999
86	86	126511111	Nguyễn Ngọc Tùng	074053247355	480 NGUYỄN CHÍ THANH, PHƯỜNG 12, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	5	01/04/2018
87	87	994392443	Nguyễn Văn Sơn	077200040868	279 Nguyễn Văn Trỗi, Phường 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	11/10/2015
88	88	497998107	Ngô Thị Mai Bình	\N	332 Nguyễn Văn Linh, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	28/05/2022
89	89	771147350	Nguyễn Tấn Sinh	079044291389	188 Huỳnh Tấn Phát, Phường 12, Thành phố Vũng Tàu	1	16/06/2023
90	90	528538211	Phạm Minh Thuận	079046755953	473 Mai Chí Thọ, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	23/02/2009
91	91	177578479	Bùi Thị Vi	060167437972	Số 437 Nguyễn Ảnh Thủ, Phường 1, TP. Vũng Tàu, BR-VT	4	09/05/2016
92	92	768167382	Nguyễn Hoàng	079072012742	83/5 Lạc Long Quân, Phường 12, TP.Vũng Tàu, BRVT	2	27/10/2014
93	93	042153926	Nguyễn Tấn Lâm	079048907373	Số 228 Lê Quang Định, Phường 10, Thành phố Vũng Tàu	1	02/09/2017
94	94	343790728	Trần Văn Kiên	079088307087	18/40/8 Kha Vạn Cân, Phường 2, Thành phố Vũng Tàu, BR-VT	4	03/03/2024
95	95	249511424	Văn Nhật Tiến	079047918000	329 Nguyễn Hữu Cảnh, 1, Thành phố Vũng Tàu, BR-VT	1	20/07/2021
96	96	891005238	Phạm Thành Nhật	079067365254	387A Trần Quang Khải, P. 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	05/10/2001
97	97	152267538	Nguyễn Sơn	079051327192	38B Nguyễn Huệ, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	05/08/2004
98	98	266304230	Nguyễn Thanh Sơn	054083865728	443/40 Mai Chí Thọ, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	25/04/2016
99	99	508005057	Phạm Ngọc Hoàng Tiến	079045995676	252/47 Hà Huy Giáp, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	14/05/1996
100	100	281204377	Châu Văn Sỹ	067051305475	158 Lê Văn Lương, F. 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	26/12/2023
101	101	269411460	Nghiêm Đức Trường	077050190759	158 Huỳnh Tấn Phát, F. 10, Thành phố Vũng Tàu, BR-VT	1	28/03/1996
102	102	546594145	Nguyễn Đức Hữu	074084833165	230 Lê Quang Định, Phường 12, TP.Vũng Tàu, BRVT	2	05/05/2013
103	103	466314677	Trần Văn Thọ	022081987162	Hẻm 355 Bùi Viện, P.2, Thành phố Vũng Tàu, BR-VT	2	10/02/1996
104	104	044799571	Nguyễn Minh Cường	077077151175	85/48 Tô Ký, Phường 10, TP Vũng Tàu, BR-VT	4	10/12/1995
105	105	080290183	Nguyễn Mỹ Quốc Oanh	079169254268	441C THÙY VÂN, 1, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	3	16/07/2004
106	106	100656828	Lê Đức Ngân	079085167807	23 Nguyễn Xí, Phường 12, Thành phố Vũng Tàu, BRVT	5	06/02/2005
107	107	821609250	Nguyễn Hữu Bình	079080142139	242/34 Đồng Khởi, F. 10, Thành phố Vũng Tàu, BR-VT	5	14/02/2010
108	108	738279025	Nguyễn Thanh Cẩm	079183000626	66 Trần Quang Khải, P.10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	27/01/2006
109	109	625806599	Nguyễn Văn Thiện	079076906659	375 Lê Hồng Phong, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	11/04/2014
110	110	059500470	Trần Hữu Út	051065082299	183 Ba Cu, Phường 2, TP Vũng Tàu, BR-VT	4	20/07/2000
111	111	234756517	Nguyễn Thị Dạ	031190803807	385/42 Nguyễn Văn Trỗi, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	07/01/2011
112	112	871632352	Vũ Thu Huệ	077163881636	79/35 Xô Viết Nghệ Tĩnh, F.12, TP.Vũng Tàu	5	02/04/1997
113	113	451919267	Nguyễn Quốc Khang	\N	108/54 Ba Cu, Phường 1, Thành phố Vũng Tàu, BR-VT	4	17/05/2006
114	114	160199824	Nguyễn Văn Rạng	079044218498	296A Võ Văn Tần, Phường 2, TP.Vũng Tàu, BR-VT	5	17/12/2010
115	115	336400108	Trần Công Út	\N	361 Nguyen Son, Phuong 10, TP Vung Tau	2	29/11/2002
116	116	985280908	Ngô Văn Tuấn	079091970223	417/26 Lê Văn Lương, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	07/06/1995
117	117	583820339	Nguyễn Thị Hoa	079168243186	Hẻm 110 Trần Hưng Đạo, P. 12, Thành phố Vũng Tàu, BRVT	5	09/01/2007
118	118	773881050	Nguyễn Tấn Thọ	079046463984	17 Đồng Khởi, Phường 1, Thành phố Vũng Tàu, BR-VT	5	02/07/2000
119	119	661907215	Nguyễn Hoàng Hiền	079094891190	So 203 Nguyen Thi Thap, Phuong 12, TP.Vung Tau, Tinh Ba Ria - Vung Tau	2	09/07/2019
120	120	930201947	Nguyễn Văn Lộc	079078482150	Số 231 Nguyễn Văn Linh, 2, TP Vũng Tàu, BR-VT	1	06/10/2023
121	121	185671383	Nguyễn Thị Tuyền	074165235081	434/30/15 Rừng Sác, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/05/2017
122	122	408052835	Nguyễn Quốc Thịnh	079202284398	Số 137 Lê Hồng Phong, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	10/10/1996
123	123	987042834	Nguyễn Thanh Thơ	074157355737	398/32 Nguyễn Văn Tạo, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	24/12/1999
124	124	181033950	Nguyễn Anh Hòa	\N	169/37/19 Âu Cơ, Phường 12, Thành phố Vũng Tàu, BRVT	4	04/01/2016
125	125	670090854	Trịnh Thanh Quyết	\N	423 Lê Lợi, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	23/08/2021
126	126	868880435	Nguyễn Phát	027054851527	215 Hùng Vương, Phường 10, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	23/11/2011
127	127	929369585	Trần Kim Bích	079152851609	378/16/2 Huỳnh Tấn Phát, Phường 2, Thành phố Vũng Tàu	6	15/07/1997
128	128	027777801	Nguyễn Ngọc Bình	\N	342 Lạc Long Quân, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	10/04/2018
129	129	143138047	Huỳnh Minh Lực	079049186860	367 Lý Thường Kiệt, Phường 10, Thành phố Vũng Tàu, BR-VT	1	06/02/2007
130	130	914493606	Nguyễn Thị Mai	\N	409 Trương Công Định, F.12, TP.Vũng Tàu	1	16/08/2016
131	131	397596808	Nguyễn Văn Hùng	079058812031	Số 9 Xô Viết Nghệ Tĩnh, Phường 2, TP Vũng Tàu, BR-VT	3	23/06/2006
132	132	494895323	Hồ Thị Kim Thơ	079194762415	295/32/1 Phan Đăng Lưu, 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	31/05/2009
133	133	192093119	Phạm Gia Tường	079080151693	26 Le Van Viet F. 10 Thanh pho Vung Tau BR-VT	2	27/06/2009
134	134	115762609	Hoàng Văn Bách	077094439388	30/27 Lê Văn Việt, Phường 12, Thành phố Vũng Tàu	1	23/05/1998
135	135	667167320	Nguyễn Kim Đào	079181422711	246 Trường Chinh, P.2, TP Vũng Tàu	3	08/08/2020
136	136	833153570	Nguyễn Ngọc Hiền	079167762969	360 Nguyen Van Luong, Phuong 10, TP.Vung Tau, BR-VT	3	03/06/2015
137	137	507077755	Tô Thị Lài	077147819311	87D Lý Tự Trọng, F. 10, TP.Vũng Tàu, BR-VT	2	06/05/2017
138	138	603229688	Trần Trang	079183001528	432/33/20 Nguyen Van Tiet, Phuong 12, TP.Vung Tau	3	17/01/2012
139	139	259044569	Đặng Nhật Bách	079084785454	99/31 Kha Vạn Cân, 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	09/10/2019
140	140	402670075	Lê Minh Tài	079066588884	144 Võ Văn Kiệt, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	29/09/2000
141	141	841282344	Nguyễn Thùy Lành	079156849556	81A Rừng Sác, P. 1, Thành phố Vũng Tàu, BR-VT	2	03/07/2010
142	142	352046898	Nguyễn Hoàng Triết	079078878646	397/16 Hồng Bàng, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	21/10/1997
143	143	397642929	Lê Thị Hạnh	079170222574	467 Mai Chí Thọ, Phường 2, Thành phố Vũng Tàu	1	31/10/2013
144	144	748753542	Lê Tấn Hào	077090244103	305/4/11 Bình Long, Phường 12, Thành phố Vũng Tàu, BRVT	1	29/06/2009
145	145	508816144	Lê Hồng Sương	079180617172	Hẻm 197 Tôn Đức Thắng, F.1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	10/08/2013
146	146	966206749	Trần Tấn Tú	074051148042	379 Nguyễn Văn Tạo, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	04/10/2022
147	147	196872217	Huỳnh Quốc Thu Sang	074062199585	266D NGUYỄN OANH, PHƯỜNG 2, THÀNH PHỐ VŨNG TÀU	2	03/12/2023
148	148	699008799	Nguyễn Thành Hạnh	093050929276	267/37 Nguyen Van Luong, Phuong 12, TP. Vung Tau, Tinh Ba Ria - Vung Tau	2	15/12/2002
149	149	663882426	Lê Ngọc Thu Thu	077158051888	Hẻm 209 Phạm Văn Chiêu, Phường 10, Thành phố Vũng Tàu, BR-VT	2	17/02/2012
150	150	562322469	Nguyễn Bảo Vi	079185377210	172/39 Hoàng Văn Thụ, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	29/03/2017
151	151	569759979	Nguyễn Ngọc Thanh	079193808647	So 165 Pham Van Chieu, Phuong 1, Thanh pho Pung Tau, Tinh Ba Ria - Vung Tau	3	19/03/2000
152	152	594199479	Nguyễn Văn Hậu	079049437722	400/2 Ba Cu, P.2, TP Vung Tau, BR-VT	2	20/06/2017
153	153	457726533	Nguyễn Thị Tuyết	079186986388	190 Cộng Hòa, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	16/04/2009
154	154	132381570	Lê Việt	\N	371 Nguyễn Thị Thập, P. 12, Thành phố Eũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	16/04/2004
155	155	353111820	Trương Văn Sơn	062058975306	279 Lý Tự Trọng, F. 10, TP Vũng Tàu, BR-VT	3	17/11/2001
156	156	583990614	Trương Gia Triết	079098130227	88 Pham Van Chieu, F. 10, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	3	21/04/2004
157	157	507670241	Trần Văn Tín	074079301828	Số 2 Nguyễn Hữu Thọ, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	05/11/2015
158	158	464098594	Trần Thu Hoàng	079189172293	27 Trần Hưng Đạo, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	30/04/1999
159	159	589577168	Lê Hoàng Hiển	074075422676	56/60 Trần Quang Khải, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	06/10/2020
160	160	158492149	Phạm Công Vương	074089731057	356D Nguyễn Xí, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	24/11/2011
161	161	179222745	Hoàng Trung Vũ	079200050048	194 Hồng Bàng, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	08/12/2001
162	162	087153931	Phạm Mỹ Liên	079188516526	205 Phan Đăng Lưu, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	05/02/2007
163	163	629937760	Lê Mỹ	034179254913	109/28 Nguyễn Đình Chiểu, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	06/01/2004
164	164	930206794	Trần Xuân Rạng	089058012886	32/33 Lê Hồng Phong, P.10, TP Vũng Tàu, BR-VT	7	04/08/2020
165	165	183855826	Nguyễn Hoàng Lượng	079057570961	379/27/16 LÊ HỒNG PHONG, F. 2, THÀNH PHỐ SŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	4	13/09/2011
166	166	653744865	Lưu Quốc Kim Tuệ	079071615322	282 Ung Văn Khiêm, Phường 1, TP. Vũng Tàu	2	22/02/2015
167	167	821912506	Nguyễn Hoan	079056409129	366A Trần Hưng Đạo, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	13/11/2005
168	168	197497921	Trần Ngọc Hường	079186521810	Hẻm 21 Lý Thường Kiệt, P. 1, Thành phố Vũng Tàu	1	25/09/2001
169	169	826937454	Nguyễn Nhật Lâm	\N	329 Rừng Sác, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	03/12/2023
170	170	977320180	La Văn Tâm	082089895155	183 Bình Long, Phường 1, TP. Vũng Tàu	1	15/06/2014
171	171	181727560	Nguyễn Thị Phúc	044185795314	104/10/8 Lê Hồng Phong, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	02/05/2022
172	172	263160099	Nguyễn Thanh Nam	079062111772	40 Lê Văn Sỹ, Phường 2, TP Vũng Tàu	3	05/03/2010
173	173	797804445	Trần Thị Ý	079165151369	114 Nguyen Son, F. 2, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	23/06/2015
174	174	020558048	Phạm Thị Minh Yến	079190448533	105 Ung Văn Khiêm, P.10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	12/06/2001
175	175	723266559	Trương Thị Vy	074193338696	198/27 Kha Vạn Cân, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	30/09/2003
176	176	897871224	Lưu Thị Quỳnh	079155717027	78 Tô Ký, Phường 12, Thành phố Vũng Tàu, BRVT	4	13/08/2024
177	177	390888412	Lý Công Công	079203300007	47 Hoàng Văn Thụ, Phường 2, Thành phố Vũng Tàu, BR-VT	3	28/06/1999
178	178	969526458	Nguyễn Công Sinh	079073942523	Hẻm 182 Huỳnh Văn Lũy, Phường 12, Thành phố Vũng Tàu	1	05/10/2003
179	179	400151736	Nguyễn Trung Danh	077069503401	364 Hạ Long, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	26/01/2005
180	180	959209770	Lê Thị Hoa	\N	Hẻm 11 Kinh Dương Vương, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	02/12/2006
181	181	777677655	Trần Văn Khải	079082901196	409 Hoàng Văn Thụ, 10, Thành phố Vũng Tàu, BR-VT	4	23/05/2011
182	182	762619549	Lê Văn Vũ	004060546216	81 Lê Hồng Phong, Phường 1, Thành phố Vũng Tàu, BR-VT	6	18/10/1997
183	183	294798320	Nguyễn Thị Loan	079178928515	115/22 Lý Thường Kiệt, Phường 10, TP Vũng Tàu, BR-VT	2	06/02/2007
184	184	413952480	Nguyễn Đức Kiên	079076438708	Hẻm 143 Lê Quang Định, Phường 1, TP. Vũng Tàu	5	30/05/2014
185	185	011738140	Võ Thanh Hậu	052080402118	Hẻm 468 Nguyễn Duy Trinh, Phường 12, Thành phố Vũng Tàu, BRVT	3	08/03/2023
186	186	325210149	Trần Ngọc Anh	025182988115	Số 218 Nguyễn Văn Linh, F. 2, TP Vũng Tàu	4	08/06/2019
187	187	192815365	Đặng Kim Hạnh	\N	413 Nguyễn Văn Lượng, Phường 10, TP Vũng Tàu	4	04/07/2002
188	188	456890444	Nguyễn Thanh Ngân	074157020983	257/40/1 Lê Hồng Phong, Phường 12, Thành phố Eũng Tàu	4	14/11/2010
189	189	606858928	Nguyễn Ngọc Trung	034091533589	86D Binh Long, Phuong 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	01/06/2012
190	190	928395692	Nguyễn Hữu Duy	066058335091	318 Cộng Hòa, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	16/08/2012
191	191	771347209	Võ Quốc Hoan	079049929165	210/36 Xô Viết Nghệ Tĩnh, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	03/02/2018
192	192	595796850	Nguyễn Thị Thúy	079181569539	315 Tôn Đức Thắng, Phường 10, TP Vũng Tàu, BR-VT	1	24/09/2013
193	193	198546728	Nguyễn Công Tâm	062060521077	344 Tran Hung Dao, Phuong 1, TP.Vung Tau, Tinh Ba Ria - Vung Tau	1	26/02/2023
194	194	148133140	Trần Ngọc Tâm	077074045354	194A Mai Chí Thọ, F. 2, Thành phố Vũng Tàu, BR-VT	3	16/12/2017
195	195	590712965	Phan Anh Hữu	074069210515	47 Nguyễn Văn Linh, P. 12, TP.Vũng Tàu, BRVT	3	08/08/2018
196	196	464035874	Thái Văn Hạnh	\N	Hẻm 454 Hồng Bàng, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	05/03/2003
197	197	239435510	Nguyễn Thành Dương	079200764619	71B Lý Tự Trọng, Phường 12, Thành phố Vũng Tàu	3	01/03/2006
198	198	022417907	Nguyễn Hữu Thạnh	058200741355	91/17 Pham Van Chieu, Phuong 2, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	2	26/11/2020
199	199	779756723	Đặng Hữu Tuấn	079056234619	271/15 Nguyễn Văn Linh, F. 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	28/05/2010
200	200	163749047	Nguyễn Anh Xuân	037081170742	257/27 Phạm Văn Bạch, F.1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	27/03/2010
201	201	174292457	Nguyễn Văn Lợi	079064672569	Hẻm 247 Yersin, P. 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	23/11/2007
202	202	194859408	Phạm Văn Tường	079054019275	410 LÊ ĐỨC THỌ, F.12, TP.VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	2	03/06/2014
203	203	181201550	Nguyễn Công Liêm	079076405426	Hẻm 97 Tôn Đức Thắng, F. 10, TP Vũng Tàu, BR-VT	4	03/06/2011
204	204	887130941	Nguyễn Thanh Hiển	074089486947	423/3 Tô Ký, F. 2, TP Vũng Tàu, BR-VT	3	09/08/2023
205	205	385398859	Châu Tấn Khôi	030203046097	86C Nguyễn Hữu Cảnh, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	05/07/1998
206	206	178747175	Nguyễn Văn Kim Nghĩa	\N	Số 89 Hồng Bàng, P. 12, Thành phố Vũng Tàu	2	26/12/2009
207	207	755781279	Nguyễn Minh Lượng	079094521646	231/29 Nguyễn Ảnh Thủ, F. 10, TP Vũng Tàu, BR-VT	4	12/10/2008
208	208	355522451	Nguyễn Hoàng Thái	044086067255	32B Rừng Sác, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	26/09/1999
209	209	246695850	Võ Đức Vương	006081900513	14 BÌNH LONG, PHƯỜNG 12, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	2	01/11/2014
210	210	861331851	Lê Đức Út	079200007971	Số 70 Lê Trọng Tấn, P.2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	25/06/2013
211	211	993636951	Hồ Quốc Vĩnh	077096986525	37 Lũy Bán Bích, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	16/11/2022
212	212	023285654	Nguyễn Minh Sơn	004200156382	92 Hồng Bàng, 1, TP.Vũng Tàu	4	17/05/2021
213	213	416141832	Vũ Nhật Tường	077082987402	Hẻm 128 Bùi Viện, P. 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	05/03/2012
214	214	959755381	Nguyễn Hoàng Lân	\N	HẺM 462 UNG VĂN KHIÊM, PHƯỜNG 12, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	1	30/11/2018
215	215	389951051	Trần Xuân Tuấn	011075354723	305 Nguyễn Văn Tiết, Phường 1, Thành phố Vũng Tàu, BR-VT	3	31/08/2010
216	216	851049756	Huỳnh Hoài Hân	079154162814	407D Lê Quang Định, 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	06/10/2005
217	217	611759897	Nguyễn Hồng Hậu	\N	12 Nguyen Hue, P. 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	07/01/2007
218	218	819178772	Lê Khánh	079063120911	460 Bà Hom, F. 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	28/07/2015
219	219	591540073	Nguyễn Văn Minh	079056715752	140C Nguyễn Văn Tạo, Phường 1, Thành phố Vũng Tàu, BR-VT	1	29/10/2011
220	220	931404989	Nguyễn Quốc Nhựt	\N	399/19/5 Ung Văn Khiêm, F. 2, Thành phố Vũng Tàu, BR-VT	4	08/12/2016
221	221	540924202	Phạm Đức Trung	079085378696	430 Dinh Tien Hoang, F.1, TP. Vung Tau, Tinh Ba Ria - Vung Tau	2	06/02/2016
222	222	817767872	Phùng Thị Na	079174503369	321D Nguyễn Văn Tạo, Phường 2, Thành phố Vũng Tàu, BR-VT	2	31/10/2006
223	223	227888324	Dương Đức Long	079073693272	53/56 Ba Hom, F. 2, TP Vung Tau, BR-VT	2	09/11/2017
224	224	675505199	Nguyễn Văn Hoàng	079084425705	125A Nguyễn Văn Linh, Phường 10, TP.Vũng Tàu	2	26/07/2000
225	225	647581359	Nguyễn Công Bảo Tuấn	\N	426 An Dương Vương, Phường 2, Thành phố Sũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	21/09/2000
226	226	201744335	Phạm Ngọc Thiện	074065034940	Hẻm 182 Phạm Văn Chiêu, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	16/02/2007
227	227	001741584	Nguyễn Văn Phú	079200823882	373 Nguyễn Trãi, 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	03/05/2007
228	228	749091127	Nguyễn Thị Hoa	077170972868	413 Le Loi, Phuong 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	07/08/2014
229	229	556986908	Nguyễn Gia Tùng	077078002873	420 Pasteur, Phường 10, TP Vũng Tàu	2	10/06/2020
230	230	606005224	Phạm Thanh Thu Công	079071248467	136/1 Kinh Dương Vương, Phường 12, TP. Vũng Tàu, BRVT	4	18/08/2019
231	231	752562668	Trương Công Công	027096023049	So 70 Hoang Van Thu, Phuong 12, TP. Vung Tau	2	16/07/2014
232	232	786446332	Nguyễn Văn Lân	064057686746	46/10 Hùng Vương, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	18/11/2023
233	233	842567992	Trần Thanh Thắng	096095872946	291 Lũy Bán Bích, Phường 1, Thành phố Vũng Tàu, BR-VT	4	30/11/1997
234	234	613367816	Lê Văn Sinh	079081311274	391D Hà Huy Giáp, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	03/08/1999
235	235	274410993	Từ Văn Thọ	075068510736	48 Nam Kỳ Khởi Nghĩa, Phường 12, TP. Vũng Tàu, BRVT	2	28/02/2017
236	236	439171857	Lê Tấn Giang	\N	Số 160 Lê Duẩn, P. 1, Thành phố Vũng Tàu	2	14/04/2022
237	237	861170917	Võ Minh Vi	077189039144	39 Nguyen Thi Minh Khai, Phuong 10, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	6	19/09/2006
238	238	202079593	Huỳnh Quốc Nguyên	079056803128	354 Kha Vạn Cân, F.12, TP.Vũng Tàu	5	29/06/2005
239	239	111253496	Trần Thị Như	079173249488	418/28/4 Bùi Viện, F.1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	03/10/2017
240	240	517963227	Phan Khánh Quỳnh	074154276727	237 Thùy Vân, Phường 2, Thành phố Vũng Tàu, BR-VT	4	12/02/2009
241	241	318386539	Đặng Xuân Kim Khoa	077075018341	51 Cộng Hòa, P.10, Thành phố Vũng Tàu, BR-VT	2	08/01/2001
242	242	057523661	Lê Văn Huy	\N	347D Ba Tháng Hai, F. 10, Thành phố Pũng Tàu	5	17/12/1996
243	243	236403785	Lê Công Bảo	074095547890	243 Trương Công Định, F.12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	25/10/2021
244	244	579006007	Bùi Ngọc Lân	\N	86/52 Nguyễn Kiệm, Phường 10, Thành phố Pũng Tàu, BR-VT	3	29/06/2002
245	245	290500320	Trần Đức Lân	079051099179	99 Tran Hung Dao, Phuong 1, Thanh pho Vung Tau	5	16/02/2006
246	246	936703852	Nguyễn Thị Cẩm	060153412558	473/38 Nguyen Dinh Chieu, Phuong 10, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	1	07/05/1995
247	247	820212783	Đặng Hạnh	\N	Hẻm 4 Hoàng Hoa Thám, P. 12, Thành phố Vũng Tàu	4	23/09/2011
248	248	457218645	Phan Tấn Hòa	079087164318	199/22 An Duong Vuong, F. 10, Thanh pho Vung Tau, BR-VT	4	16/10/2023
249	249	240690356	Trần Thị Trúc	079172130647	101 Nguyễn Tất Thành, F.1, TP. Vũng Tàu	6	19/07/2005
250	250	954527072	Nguyễn Hạnh	077067560294	451 Luy Ban Bich, Phuong 12, Thanh pho Vung Tau	5	18/05/1995
251	251	202591136	Nguyễn Đông	079096813272	SỐ 155 BÌNH LONG, PHƯỜNG 10, TP.VŨNG TÀU, BR-VT	1	04/04/2007
252	252	415450851	Trần Công Thu Việt	\N	477/37 Nguyễn Thị Thập, Phường 12, Thành phố Eũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	14/11/2011
253	253	641554896	Võ Anh Lợi	068060768786	97/40 Kha Vạn Cân, Phường 12, TP. Vũng Tàu, BRVT	5	06/09/2003
254	254	925678703	Hoàng Ngọc Tiên	044144002255	Hẻm 96 Nguyễn Kiệm, Phường 2, Thành phố Vũng Tàu, BR-VT	7	21/09/2016
255	255	337252286	Nguyễn Thị Thư	079199421866	110/39 Võ Nguyên Giáp, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	27/05/2012
256	256	038408597	Hoàng Hoàng Nhựt	079075020491	25B Trần Quang Khải, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	02/02/2006
257	257	797514525	Trần Gấm	079190824741	66/40 ĐỒNG KHỞI, PHƯỜNG 10, THÀNH PHỐ VŨNG TÀU, BR-VT	2	22/02/2016
258	258	227012103	Nguyễn Thị Loan	079155010900	379/15 Ba Cu, P. 12, Thành phố Vũng Tàu, BRVT	4	08/08/1996
259	259	712777293	Tạ Thành Lộc	049074792852	468/30 Nguyễn Ảnh Thủ, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	02/06/2017
260	260	629326792	Nguyễn Hiếu	\N	29/24 Le Van Sy, Phuong 10, TP Vung Tau, Tinh Ba Ria - Vung Tau	3	26/09/2002
261	261	313944315	Nguyễn Thị Út	031193458076	Số 176 Kinh Dương Vương, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	04/08/2004
262	262	068421857	Nguyễn Thị Liễu	077156350768	207/20 Tôn Đức Thắng, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	02/04/2006
263	263	290291319	Phan Ngọc Hân	079159944952	43 BA CU, PHƯỜNG 2, THÀNH PHỐ VŨNG TÀU	4	09/05/1997
264	264	079332635	Võ Thị Cúc	074181140741	231A Nguyễn Xí, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	10/12/2012
265	265	153110633	Phạm Minh Tỷ	092089727683	47 Cộng Hòa, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	01/06/2009
266	266	339084158	Hồ Văn Tâm	079061394298	10 BA THÁNG HAI, PHƯỜNG 1, TP. VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	3	17/10/2009
267	267	975047147	Bùi Văn Giang	074046649685	436D Kinh Dương Vương, F. 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	10/05/2022
268	268	893758914	Trần Hoài Thủy	\N	189/21 Phan Xích Long, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	30/01/2004
269	269	286195221	Nguyễn Minh Hữu	044095172448	415/32/4 Pasteur, F. 10, Thành phố Vũng Tàu	8	13/07/2005
270	270	975249622	Nguyễn Thị Lan	079302882257	Hẻm 148 Trần Phú, P.2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	15/11/2000
271	271	181516431	Lý Mỹ Nhạn	079151020586	11 Lê Duẩn, Phường 2, Thành phố Vũng Tàu	3	04/12/2021
272	272	222407968	Võ Phát	033090959503	421 Võ Nguyên Giáp, Phường 2, Thành phố Vũng Tàu, BR-VT	2	22/02/1999
273	273	448125430	Nguyễn Văn Ngân	074046587697	125/31/19 Sư Vạn Hạnh, F.12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	27/02/2007
274	274	232416700	Phạm Minh Vĩnh	077068997965	331 Đồng Khởi, Phường 10, Thành phố Vũng Tàu	2	29/03/1999
275	275	270445906	Huỳnh Kim Tuyền	079189001010	79 Xô Viết Nghệ Tĩnh, Phường 12, TP. Vũng Tàu	4	31/01/2021
276	276	414687560	Nguyễn Tấn Đệ	\N	370/27/4 Nguyễn Thị Thập, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	27/07/2007
277	277	938160280	Huỳnh Văn Hưng	079060695607	288 Ba Cu, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	06/03/2012
278	278	638292360	Lê Minh Hiệp	068047041253	364 Cộng Hòa, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	13/01/2006
279	279	094231277	Vũ Lâm	079094361362	44/33/20 Đinh Tiên Hoàng P. 12 TP. Vũng Tàu	5	15/07/2022
280	280	193806493	Tăng Hồng Huệ	\N	Hẻm 79 Phan Xích Long, Phường 12, Thành phố Vũng Tàu, BRVT	7	19/10/2002
281	281	124344521	Nguyễn Tấn Hòa	011057373727	239/10 Hùng Vương, F. 2, TP Vũng Tàu, BR-VT	3	01/05/2019
282	282	981998989	Nguyễn Thị Quỳnh	004167621149	401 Khánh Hội, 2, TP Vũng Tàu, BR-VT	3	20/03/2021
283	283	587135606	Nguyễn Văn Thông	079097368179	Số 219 Kinh Dương Vương, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	27/02/2004
284	284	151376317	Vũ Thanh Hậu	079065985976	341/48 Nguyễn Sơn, Phường 1, Thành phố Vũng Tàu, BR-VT	3	27/02/2010
285	285	556569686	Đỗ Minh Minh	077053721618	259/30 Khánh Hội, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	22/03/2006
286	286	209054619	Bùi Anh Khang	079072139477	402 Khánh Hội, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	31/01/2000
287	287	002153765	Dương Minh Hoan	079202897460	87 Bùi Viện, Phường 12, Thành phố Vũng Tàu, BRVT	2	21/05/2009
288	288	136653645	Phan Ngọc Tiên	079169079668	159 Mai Chí Thọ F. 10 Thành phố Vũng Tàu Tỉnh Bà Rịa - Vũng Tàu	1	29/05/2008
289	289	527165900	Nguyễn Văn Trí	094071561087	141 Võ Nguyên Giáp, Phường 2, TP.Vũng Tàu, BR-VT	3	24/10/2002
290	290	196879179	Trần Minh Trọng	010046928989	324/41 Phạm Văn Chiêu, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	19/02/2014
291	291	727722922	Đoàn Út	079092082644	7/17 Nguyễn Văn Lượng, Phường 2, TP Vũng Tàu	1	21/07/2000
292	292	492271345	Lê Ngọc Nhân	052049704866	192 Pasteur, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	27/11/2019
293	293	584315818	Dương Ngọc Hà	030183033950	77 Nguyễn Xí, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	03/05/2002
294	294	494354681	Nguyễn Văn Hậu	077068982564	375 Nguyễn Hữu Cảnh, F.1, TP. Vũng Tàu	4	07/12/2018
295	295	786945700	Hồ Phương Bích	079191889410	Hẻm 472 Hạ Long, Phường 2, Thành phố Vũng Tàu, BR-VT	6	16/02/1998
296	296	076869668	Nguyễn Thị Như	066179753542	92/24 Ba Cu, P. 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	11/08/2024
297	297	780292870	Nguyễn Minh Định	077075378927	93 Bà Hom, Phường 1, Thành phố Vũng Tàu	2	06/05/2019
298	298	401615143	Đinh Minh	079077479442	127D Lê Duẩn, Phường 2, TP Vũng Tàu, BR-VT	3	25/04/1997
299	299	446285533	Nguyễn Gia Đệ	079051694362	315/28 Lê Quang Định, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	07/11/2024
300	300	602316492	Nguyễn Ngọc Mai	\N	Số 109 Trương Công Định, Phường 12, TP. Vũng Tàu, BRVT	2	17/08/2003
301	301	200926166	Phạm Công Cường	\N	378 Le Van Viet, F. 10, TP Vung Tau, Tinh Ba Ria - Vung Tau	3	23/02/2004
302	302	158650224	Nguyễn Hữu Luân	079056184462	Hem 35 Hai Ba Trung, Phuong 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	3	24/02/2016
303	303	490267197	Nguyễn Quốc Thạnh	079072453726	Hem 441 Nguyen Huu Tho, Phuong 1, TP. Vung Tau, Tinh Ba Ria - Vung Tau	1	28/05/2022
304	304	975130394	Phùng Văn Trường	014085076916	Số 266 Nguyễn Huệ, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	22/02/2012
305	305	176378932	Lê Kim Hậu	079184660390	45 Lê Hồng Phong, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	08/08/2006
306	306	706001396	Lâm Trúc	079192386232	378 Khánh Hội, Phường 1, Thành phố Vũng Tàu, BR-VT	6	17/01/2015
307	307	465411609	Nguyễn Thị Ngọc	079184140137	82 Lê Văn Lương, Phường 12, Thành phố Vũng Tàu	4	10/12/2020
308	308	193227667	Nguyễn Hoàng Hoan	079083723594	4 Nam Kỳ Khởi Nghĩa, Phường 1, Thành phố Vũng Tàu, BR-VT	5	24/09/2002
309	309	666040397	Nguyễn Trung Khang	091081634779	Số 165 Nguyễn Thị Minh Khai, 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	18/06/2012
310	310	484666606	Huỳnh Đức Hào	\N	29 Trương Công Định, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	02/10/2000
311	311	797804445	Trần Thị Ý	079165151369	114 Nguyễn Sơn, Phường 12, Thành phố Vũng Tàu	4	23/06/2015
312	312	194859408	Phạm Văn Tường	079054019275	410 Lê Đức Thọ, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	03/06/2014
313	313	556986908	Nguyễn Gia Tùng	077078002873	420 Pasteur, Phuong 2, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	2	10/06/2020
314	314	202591136	Nguyễn Đông	079096813272	Số 155 Bình Long, Phường 10, TP Vũng Tàu, BR-VT	1	04/04/2007
\.


ALTER TABLE ONLY "households_747"."households"
    ADD CONSTRAINT "households_pkey" PRIMARY KEY (source_pk);

-- rows: 314
