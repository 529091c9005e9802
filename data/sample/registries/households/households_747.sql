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
1	1	665076326	Nguyễn Văn Lực	079085030928	187 Hoàng Văn Thụ, Phường 1, Thành phố Vũng Tàu, BR-VT	5	02/11/2016
2	2	733064211	Nguyễn Thành Duy	079086151685	195 Do Xuan Hop, Phuong 10, Thanh pho Vung Tau, BR-VT	4	07/07/2002
3	3	173049815	Lê Tấn Rạng	077202251123	291 Ba Tháng Hai, 2, Thành phố Vũng Tàu, BR-VT	7	29/10/2007
4	4	973428378	Phạm Văn Long	017065071196	Hẻm 182 Nguyễn Văn Linh, F. 2, Thành phố Vũng Tàu, BR-VT	3	14/07/2024
5	5	125688255	Huỳnh Kim Nhạn	074199457341	100 Trần Hưng Đạo, P. Vũng Tàu, HCM	3	15/08/2025
6	6	927036752	Trần Hữu Bảo Hiền	079080414318	28/7 HOÀNG HOA THÁM, PHƯỜNG 2, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	2	09/10/2010
7	7	669205671	Nguyễn Hiển	\N	362 Nguyễn Văn Lượng, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	17/07/1997
8	8	466541768	Nguyễn Thành Bảo Tuấn	079097781749	224/25/9 Nguyễn Văn Tạo, Phường 10, Thành phố Vũng Tàu, BR-VT	8	14/11/2011
9	9	120390140	Phạm Thị Gia Ly	079198136100	152/47 Mai Chí Thọ, P. 12, TP.Vũng Tàu, BRVT	2	29/06/2001
10	10	879109980	Lê Xuân Tín	079056403113	288 Hoàng Hoa Thám, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	10/06/2022
11	11	166654723	Nguyễn Văn Ngân	079066896482	211 Nguyễn Hữu Cảnh, F. 2, Thành phố Vũng Tàu	5	05/12/2024
12	12	085304453	Trần Thùy Cẩm	\N	374 Bà Hom, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	08/04/2016
13	13	952335856	Trịnh Công Hiệp	079047333262	153/50 Yersin, Phường 12, TP. Vũng Tàu, BRVT	3	29/12/2008
14	14	614785372	Lê Mỹ Thơ	\N	308/35/20 Hoàng Hoa Thám, Phường 2, Thành phố Sũng Tàu	4	20/06/2003
15	15	133019546	Lê Minh Tường	079050585836	Hẻm 82 Trần Quang Khải, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	04/08/2009
16	16	735895187	Võ Diễm	075195828193	464/9 Bà Hom, P. Rạch Dừa, TP.HCM	8	09/07/2025
17	17	187861412	Nguyễn Văn Thành	058055473898	249 Võ Văn Kiệt, Phường 1, TP. Vũng Tàu	2	03/01/1996
18	18	258219722	Phạm Ngọc Hậu	\N	168 Đỗ Xuân Hợp, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	08/01/2003
19	19	923870670	Nguyễn Thị Minh Tiên	079190124275	120/26 Ba Cu, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	18/12/2022
20	20	291385229	Nguyễn Văn Quân	035097535535	332 Nguyễn Thị Minh Khai, Phường 2, Thành phố Vũng Tàu, BR-VT	8	09/04/2023
21	21	063762157	Lê Minh Hậu	074097562507	345B LÊ VĂN LƯƠNG, PHƯỜNG 1, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	5	05/04/2004
22	22	855617342	Nguyễn Anh Tường	012082533875	217/10 Phạm Văn Chiêu, P. Rạch Dừa, HCM	2	22/08/2025
23	23	262751412	Lê Công Phụng	074060894953	5 Ba Tháng Hai, 1, TP. Vũng Tàu, BR-VT	4	25/11/2016
24	24	709384972	Lê Văn Trọng	079092048653	471/16/9 Nguyễn Chí Thanh, Phường 12, Thành phố Vũng Tàu	4	15/09/2011
25	25	600282329	Nguyễn Văn Duy	079068678641	206/58 An Dương Vương, P. 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	24/05/2014
26	26	995605430	Nguyễn Thảo Tiên	\N	144 Lê Văn Sỹ, F.12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	08/01/2019
27	27	820208999	Nguyễn Văn Gia Ngân	079069737816	426/48 Đỗ Xuân Hợp, F.1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	15/10/2019
28	28	925519861	Nguyễn Ngọc Minh Hoàng	079054396378	109 NGUYỄN VĂN TRỖI, P.2, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	3	27/12/2006
29	29	586693055	Huỳnh Thị Hoa	006151647086	321/35 Nguyen Kiem, Phuong 1, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	2	22/11/2009
30	30	828403248	Nguyễn Nhật Hoan	\N	23 Mai Chí Thọ, Phường 12, Thành phố Vũng Tàu	1	08/05/1996
31	31	631636564	Trần Tấn Gia Nam	012063953260	404 Pasteur, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	03/10/2016
32	32	186056521	Nguyễn Văn Tâm	079061344036	315 VÕ NGUYÊN GIÁP, PHƯỜNG 1, TP. VŨNG TÀU	3	17/09/2019
33	33	290258011	Nguyễn Mỹ Liên	077191630931	Hẻm 363 Lê Văn Việt, P. 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	19/01/2012
34	34	315417963	Nguyễn Tấn Mạnh	079090895933	52 Nguyễn Văn Linh, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	07/05/1996
35	35	858179108	Nguyễn Thành Tùng	012061582960	232 Do Xuan Hop Phuong 10 Thanh pho Vung Tau Tinh Ba Ria - Vung Tau	4	18/04/1998
36	36	012365719	Nguyễn Văn Phát	079068389498	33 Pasteur, 12, Thành phố Vũng Tàu, BRVT	4	16/05/2007
37	37	316140045	Nguyễn Trung Danh	079070312892	Số 72 Nguyễn Văn Tiết, F.12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	01/09/2009
38	38	279144967	Phạm Vinh	079092397670	455/43 Mai Chí Thọ, P. 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	27/07/2013
39	39	682596297	Trần Minh Trí	077046462100	249 Lê Văn Lương, Phường 1, TP. Vũng Tàu, BR-VT	7	26/06/2021
40	40	458004991	Đinh Gia Quốc Quý	079072996349	243/16 Trương Công Định, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	19/02/2017
41	41	794348765	Nguyễn Ngọc Hào	\N	65/32 Phạm Văn Chiêu, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	31/07/2007
42	42	229973610	La Hồng Thảo	079180965638	437 Pasteur, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	27/07/2009
43	43	944281885	Phạm Hữu Nguyên	089096153200	299 An Dương Vương, Phường Vũng Tàu, TP. Hồ Chí Minh	3	17/07/2025
44	44	745563365	Phạm Thị Phúc	074148197896	165C Nguyễn Văn Lượng, Phường 10, Thành phố Vũng Tàu	2	23/03/1996
45	45	892179389	Lê Văn Thiện	079050847414	141 Đỗ Xuân Hợp, F.1, Thành phố Vũng Tàu, BR-VT	5	02/03/2022
46	46	155845919	Nguyễn Thị Hảo	079189151044	391/28 An Dương Vương, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	21/04/2024
47	47	327485263	Vũ Lượng	\N	98 Nguyễn Chí Thanh, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	16/03/2021
48	48	936527485	Trần Thị Điệp	074180012274	241/52 Vo Nguyen Giap, 1, TP.Vung Tau, Tinh Ba Ria - Vung Tau	6	25/12/2002
49	49	139840669	Trương Thị Chi	\N	466 Bùi Viện, Phường 2, Thành phố Vũng Tàu, BR-VT	5	17/03/2005
50	50	866319876	Đặng Thanh Khang	093070255216	26 Nguyễn Ảnh Thủ, Phường 10, TP Vũng Tàu, BR-VT	2	19/03/2003
51	51	113737716	Lê Ngọc Bích	079193028237	63 Nguyễn Văn Lượng, Phường 10, TP.Vũng Tàu	6	18/03/1998
52	52	343797264	Trần Hoàng Hiếu	079067189171	87 Nguyễn Ảnh Thủ, Phường 10, TP Vũng Tàu, BR-VT	1	15/08/2016
53	53	313112787	Huỳnh Thanh Đức	006098400513	436 Võ Văn Tần, 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	16/08/2005
54	54	923024687	Đặng Văn Long	079054810670	450 Pasteur, Phường 1, TP.Vũng Tàu, BR-VT	3	20/02/2018
55	55	274302710	Nguyễn Minh Vương	010055277456	Hẻm 318 Nguyễn Chí Thanh, P. 12, Thành phố Vũng Tàu	3	19/12/2020
56	56	712816102	Nguyễn Minh Trọng	019202105120	366 Lê Văn Sỹ, P. Vũng Tàu, HCM	7	04/07/2025
57	57	951428903	Huỳnh Văn Thịnh	079085675054	241/41 Nguyễn Kiệm, P. 1, Thành phố Pũng Tàu, BR-VT	2	25/11/2003
58	58	871306437	Hồ Ngọc Giang	079190328560	312/54 Nguyễn Văn Lượng, Phường Vũng Tàu, Thành phố Hồ Chí Minh	5	23/08/2025
59	59	441161876	Nguyễn Đức Trung	\N	Số 163 Nguyễn Kiệm, F.1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	10/12/2019
60	60	438520490	Lê Tấn Tài	079050495527	211/4 Nguyễn Văn Lượng, Phường 1, Thành phố Vũng Tàu, BR-VT	7	18/12/2002
61	61	913289985	Nguyễn Thị Hiền	077180138939	177 Bùi Viện, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	03/03/1999
62	62	144601932	Vũ Thu Na	025169214726	375C Pasteur, P. 12, Thành phố Eũng Tàu	6	25/09/2006
63	63	782277278	Trần Văn Phúc	079083253179	74 Nguyễn Văn Trỗi, Phường 2, Thành phố Sũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	25/11/2008
64	64	332688285	Nguyễn Quốc Tâm	\N	Hẻm 400 Lê Văn Việt, F.12, TP. Vũng Tàu, BRVT	6	26/11/2015
65	65	018565819	Lê Văn Bảo Tuấn	079072009572	99 Nguyễn Ảnh Thủ, 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	19/05/2014
66	66	629311359	Hoàng Trung Quốc Vương	\N	Số 83 Thùy Vân, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	19/10/2004
67	67	572966899	Nguyễn Thanh Kim Hào	079067848760	447/15/9 Do Xuan Hop, Phuong 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	03/06/1999
68	68	376315163	Nguyễn Mỹ Linh	079181692588	203/18 Pasteur, Phuong 1, TP. Vung Tau	4	12/11/2017
69	69	345630603	Lê Anh Ngân	077095607102	207 Nguyễn Văn Lượng, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	16/02/1996
70	70	863203247	Lê Thị Ngọc	079192751947	102/51 Sư Vạn Hạnh, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	17/06/2006
71	71	548442100	Nguyễn Hữu Trung	079057919944	333 Pasteur, Phường 1, Thành phố Vũng Tàu	3	13/12/2018
72	72	184514426	Nguyễn Quốc Minh Út	077069843410	89 Trương Công Định, Phường Vũng Tàu, Thành phố Hồ Chí Minh	1	17/08/2025
73	73	299690142	Dương Hồng Lan	079154419410	376/32/14 Nguyễn Văn Trỗi P.2 Thành phố Vũng Tàu Tỉnh Bà Rịa - Vũng Tàu	2	06/07/2021
74	74	965322208	Huỳnh Thanh An	074055162461	299/27/5 Pasteur, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	19/10/2018
75	75	417209358	Đinh Mỹ Nhung	\N	108 Lê Văn Sỹ, 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	01/10/1997
76	76	159756490	Hồ Bảo Lành	079171475991	408 Nguyễn Chí Thanh, P.10, Thành phố Vũng Tàu, BR-VT	4	25/09/2009
77	77	007882770	Lý Văn Mạnh	060080388625	Số 75 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, BRVT	6	27/10/1996
78	78	675483977	Phạm Văn Sang	079083666039	176 Nguyễn Văn Lượng, P.10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	16/04/1999
79	79	645120316	Phan Văn Vương	084073742666	Hẻm 461 Ba Tháng Hai, F. 2, Thành phố Vũng Tàu	3	16/06/2021
80	80	686876826	Nguyễn Anh Lâm	074200359137	436/38 Nguyễn Duy Trinh, P.10, Thành phố Vũng Tàu, BR-VT	6	04/02/2001
81	81	855773953	Phạm Thu Hiền	079158260646	387 Lê Văn Lương, F.1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	22/08/2006
82	82	660598059	Trần Ngọc An	079180606118	338 Phạm Văn Chiêu, F. 10, Thành phố Vũng Tàu, BR-VT	2	18/01/2009
83	83	344616108	Lê Văn Nhật	079098681228	473 Đỗ Xuân Hợp, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	22/09/1996
84	84	848275568	Lâm Kim Huyền	079192877320	54 Bà Hom, P. Rạch Dừa, TP. Hồ Chí Minh	4	31/07/2025
85	85	394795023	Nguyễn Hữu Chiến	079065623843	300/12 Nguyen Kiem, Phuong 1, Thanh pho Vung Tau, BR-VT	6	18/02/2024
86	86	446830137	Lê Văn Trường	079062970478	450 Sư Vạn Hạnh, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	04/10/2014
87	87	454910830	Lê Văn Nhân	\N	218 Võ Nguyên Giáp, Phường 1, Thành phố Vũng Tàu, BR-VT	6	10/04/2005
88	88	046764155	Lê Thị Hiền	079174342774	469A Võ Văn Kiệt, Phường 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	07/12/2019
89	89	823808880	Cao Phụng	079094422046	25/60 Đỗ Xuân Hợp, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	05/12/2004
90	90	184244188	Nguyễn Minh Đức	074074846840	99/30 Mai Chí Thọ, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	23/02/1999
91	91	818121641	Nguyễn Văn Bình	079068545089	12/7/4 Ba Tháng Hai, F.1, TP. Vũng Tàu, BR-VT	5	18/04/2014
92	92	310583023	Châu Văn Long	079080642892	73/5/20 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu	4	03/08/2007
93	93	177726823	Trương Đức Lợi	079049629121	98/17/9 Nguyễn Ảnh Thủ, Phường 10, Thành phố Vũng Tàu	3	16/06/1996
94	94	863001759	Trần Đức Khánh	079045794403	123/4 Nguyễn Hữu Cảnh, P.2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	17/05/1997
95	95	527452819	Nguyễn Triết	\N	300/40 Pham Van Chieu, Phuong 1, Thanh pho Vung Tau	2	06/05/2024
96	96	590089684	Phạm Thị Trúc	072156531337	368/30 Hạ Long, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	30/07/2008
97	97	705082924	Nguyễn Công Thịnh	079099615910	137/35 Yersin, F.12, Thành phố Vũng Tàu, BRVT	3	26/04/2005
98	98	027518927	Nguyễn Thị Lan	\N	Hẻm 18 Nguyễn Kiệm, F.1, Thành phố Vũng Tàu, BR-VT	2	01/01/2017
99	99	208313747	Nguyễn Thị Nga	079192402137	78 Nguyễn Chí Thanh, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	16/12/2018
100	100	587836180	Bùi Văn Tân	079082516618	207 Nguyễn Hữu Cảnh, P.2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	02/05/2010
101	101	031585882	Trần Thành Đức	\N	10 Yersin, Phường Rạch Dừa, TP. Hồ Chí Minh	3	30/08/2025
102	102	778487949	Trần Minh Nghĩa	079065474322	454 Lê Văn Sỹ P. 12 TP. Vũng Tàu Tỉnh Bà Rịa - Vũng Tàu	4	01/09/2007
103	103	597953451	Võ Công Hải	079072596156	83 Ba Tháng Hai, F. 2, TP Vũng Tàu	5	30/06/2010
104	104	654064734	Nguyễn Quốc Trọng	079082682925	286/48 Yersin, F. 10, Thành phố Vũng Tàu	2	30/03/2015
105	105	736227789	Nguyễn Thanh Loan	093152209185	457B Võ Văn Kiệt, P. 1, Thành phố Vũng Tàu, BR-VT	2	09/02/2004
106	106	328101551	Lê Anh Nguyên	079087637193	268 Le Van Viet, Phuong 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	3	25/01/2023
107	107	164918627	Phạm Ngọc Quỳnh	\N	430/60 Nguyễn Duy Trinh, Phường 10, Thành phố Vũng Tàu	3	10/05/2005
108	108	032311056	Dương Văn Tuệ	079081460886	307 Kha Vạn Cân, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/12/2010
109	109	914640446	Nguyễn Gia Hiền	079077676901	403/30 Ba Tháng Hai, Phường 1, Thành phố Vũng Tàu, BR-VT	4	18/11/2008
110	110	699402945	Nguyễn Trung Út	079072848904	Hem 223 Nguyen Anh Thu, F. 2, Thanh pho Vung Tau, BR-VT	4	08/06/1996
111	111	706816469	Vũ Thanh Thành	\N	322 Lê Văn Sỹ, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	08/01/2021
112	112	063960664	Phan Thị Thúy	079149823721	80 Mai Chí Thọ, Phường 12, Thành phố Vũng Tàu, BRVT	6	23/04/2016
113	113	679571118	Nguyễn Tấn Lâm	091051593929	395/50 Ba Tháng Hai, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	11/05/1999
114	114	899766936	Nguyễn Tấn Quang	077096129779	261C An Dương Vương, F. 2, Thành phố Vũng Tàu, BR-VT	4	03/01/1999
115	115	989009621	Mai Văn Thạnh	012090920449	269 Pham Van Chieu, Phuong 10, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	2	08/07/2024
116	116	887283894	Trần Thanh Hiệp	067082906555	189 Ba Cu, Phường 1, TP.Vũng Tàu	3	26/08/2018
117	117	410950817	Đặng Thị Kim Hòa	079174414000	223/34/20 Nguyễn Chí Thanh, Phường 12, Thành phố Vũng Tàu, BRVT	3	29/10/2017
118	118	443467338	Phạm Duy	079099461834	189/22/12 Trần Hưng Đạo, Phường 1, TP. Vũng Tàu	4	30/09/2024
119	119	830923919	Nguyễn Xuân Lộc	077071890747	193/8 Quang Trung, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	09/03/2021
120	120	476655066	Phạm Hoàng Quyết	\N	7/25 Nguyễn Văn Linh, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	29/12/2016
121	121	490535665	Nguyễn Đức Vương	079090036601	209 Quang Trung P. Phước Thắng TP.HCM	4	16/08/2025
122	122	774450151	Phạm Kha	077098103041	195 Lê Văn Sỹ, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	16/07/2012
123	123	444447095	Lê Thị Hân	022195447817	396/19/1 Quang Trung, P. 12, TP. Vũng Tàu	2	18/03/2022
124	124	681724775	Phan Hữu Triết	079066802238	136 Pasteur, Phường 12, Thành phố Vũng Tàu	1	17/04/2016
125	125	514031456	Võ Xuân Mẫn	033079389740	61 Đỗ Xuân Hợp Phường 10 Thành phố Vũng Tàu Tỉnh Bà Rịa - Vũng Tàu	5	08/02/2006
126	126	090292397	Trần Thanh Tuấn	074070109275	55 Bà Hom, Phường 10, Thành phố Vũng Tàu, BR-VT	3	20/02/2003
127	127	771396960	Nguyễn Thị Xuân	079183884396	64/45 Nguyễn Thị Minh Khai, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	01/11/1999
128	128	628447357	Nguyễn Minh Toàn	079050424171	462/30 BÙI VIỆN, PHƯỜNG 2, THÀNH PHỐ VŨNG TÀU, BR-VT	5	06/06/2008
129	129	281891711	Lê Thanh Thành	091059713968	175C Nguyễn Chí Thanh, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	06/02/2011
130	130	189671778	Nguyễn Hữu Thông	035095537647	341 Le Van Viet, Phuong 12, Thanh pho Vung Tau, BRVT	4	12/02/2013
131	131	201513666	Nguyễn Văn Hùng	\N	32 HOÀNG HOA THÁM, P.2, THÀNH PHỐ VŨNG TÀU, BR-VT	3	28/01/2020
132	132	317205028	Từ Xuân Hoan	077068794773	Số 327 Yersin, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	17/10/2019
133	133	463414190	Phạm Minh Thắng	079079514853	246 Yersin, Phường 10, Thành phố Vũng Tàu	3	01/11/2003
134	134	567399688	Trần Anh Mẫn	092081100939	172 Lê Văn Sỹ, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	12/12/2006
135	135	883793561	Nguyễn Đức Công	074062578404	52/25 Nguyễn Thị Minh Khai, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	15/06/2018
136	136	612070758	Nguyễn Phương Mến	\N	470 Nguyễn Ảnh Thủ, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	03/09/2020
137	137	614026777	Lê Hoài Mai	079155503538	350 Kha Vạn Cân, Phường 10, TP.Vũng Tàu, BR-VT	4	29/12/2019
138	138	684990980	Trần Thanh Long	079045669282	431 Pasteur, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	27/07/2003
139	139	889222804	Trần Văn Trường	079056181776	Số 314 Bùi Viện, F. 2, Thành phố Vũng Tàu, BR-VT	4	12/11/2014
140	140	671589522	Nguyễn Anh Trường	036085049056	Hẻm 320 Nguyễn Thị Minh Khai, Phường 2, TP Vũng Tàu	4	03/04/2019
141	141	528071173	Đặng Văn Khoa	024089598386	403/10/9 Đỗ Xuân Hợp, P. 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	16/10/2014
142	142	973637701	Lê Mơ	020192262654	18C Lê Văn Việt, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	08/03/2002
143	143	805004808	Trần Tấn Phong	079200479409	280 Nguyễn Văn Trỗi, P.2, Thành phố Vũng Tàu, BR-VT	4	14/01/2012
144	144	318977746	Kiều Anh Lực	079060838451	239 Su Van Hanh, P. 12, TP. Vung Tau, BRVT	3	27/10/2001
145	145	617605238	Nguyễn Thị Lan	077190413201	346D Do Xuan Hop, Phuong 1, Thanh pho Vung Tau, BR-VT	4	21/10/2012
146	146	082902434	Châu Mỹ Trúc	070169554030	236/9/15 Hoàng Hoa Thám, 2, Thành phố Vũng Tàu	1	27/09/1998
147	147	560059667	Phạm Văn Danh	079084560870	297/13 Võ Văn Tần, Phường 2, TP Vũng Tàu, BR-VT	3	18/08/2000
148	148	146314964	Trần Thị Bình	079166132943	139/32 Pasteur, 12, Thành phố Vũng Tàu, BRVT	4	08/05/2022
149	149	377485698	Huỳnh Thành Nguyên	079045418184	85C NGUYỄN CHÍ THANH, PHƯỜNG 10, TP.VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	4	31/01/1996
150	150	077472349	La Văn Bình	079065510042	154 Nguyễn Văn Trỗi, Phường Vũng Tàu, Thành phố Hồ Chí Minh	6	20/08/2025
151	151	419640178	Trần Văn Nguyên	079076649504	178 Phạm Văn Chiêu, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	13/01/2004
152	152	939683254	Huỳnh Lực	095057978051	392 Nguyễn Hữu Cảnh, Phường 2, TP.Vũng Tàu	1	10/11/2010
153	153	523317900	Lê Minh Sỹ	014068730025	338/2 Thùy Vân, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	04/10/2004
154	154	689962589	Lê Quốc Vương	079081373686	465/7 Quang Trung, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/10/1999
155	155	476526168	Nguyễn Tấn An	051097674552	294 Bà Hom, P.10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	01/11/1997
156	156	722953200	Trần Quốc Tín	092089552405	210/19 Ba Hom, P. Rach Dua, Thanh pho Ho Chi Minh	4	30/08/2025
157	157	580624607	Nguyễn Văn Tỷ	079080889887	10 Nguyễn Kiệm, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	16/09/2019
158	158	307880545	Trương Thị Đan	\N	16 Nguyễn Văn Linh, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	11/06/2015
159	159	882142348	Phan Văn Bảo	\N	173 Nguyễn Ảnh Thủ, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	19/11/2013
160	160	630370016	Diệp Thành Đức	079095776978	19 Phạm Văn Chiêu, Phường 10, Thành phố Vũng Tàu, BR-VT	1	17/01/2023
161	161	091751567	Lê Xuân Đạt	079063293082	304 Nguyễn Ảnh Thủ, Phường 2, Thành phố Sũng Tàu	3	11/02/2020
162	162	434256416	Lê Trung Thành	079086776483	435/11/16 Nguyen Van Tiet, Phuong 12, TP. Vung Tau, Tinh Ba Ria - Vung Tau	3	03/06/2013
163	163	572462888	Nguyễn Hoàng Bảo	006076401422	260 Hoàng Văn Thụ, Phường 1, Thành phố Vũng Tàu, BR-VT	2	05/06/2003
164	164	787885719	Lê Thanh Quốc	066091509146	169/20 Nguyen Chi Thanh, Phuong 10, TP.Vung Tau, Tinh Ba Ria - Vung Tau	8	24/09/2023
165	165	967274444	Phạm Hoàng Hiền	079061621761	Số 43 Nguyễn Văn Trỗi, Phường 2, TP Vũng Tàu, BR-VT	6	24/04/2009
166	166	117793700	Nguyễn Hữu Hậu	079202417637	341 Trần Quang Khải Phường 1 Thành phố Vũng Tàu BR-VT	5	11/12/1999
167	167	411147633	Hồ Thị Ý	\N	271/22/11 Lũy Bán Bích P.2 Thành phố Vũng Tàu BR-VT	4	03/06/2015
168	168	178581949	Nguyễn Hữu Phụng	049092964401	403 LÊ VĂN LƯƠNG, PHƯỜNG 1, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	2	20/01/2018
169	169	091700022	Bùi Hoàng Nguyên	079087904998	259 Đỗ Xuân Hợp, Phường 12, Thành phố Eũng Tàu, BRVT	6	05/10/1995
170	170	324383339	Võ Thanh Thuận	049074948411	177/16/6 Đỗ Xuân Hợp, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	08/04/1999
171	171	904791913	Trần Văn Phúc	015055006981	90 An Dương Vương, Phường 12, Thành phố Vũng Tàu, BRVT	3	11/05/2003
172	172	076389742	Nguyễn Văn Gia Tài	079050455458	Hẻm 43 Nguyễn Thị Minh Khai, P.2, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	25/01/2019
173	173	471669781	Nguyễn Thu Thanh Thanh	079164218798	116 Nguyen Thi Minh Khai, F. 2, TP Vung Tau, Tinh Ba Ria - Vung Tau	2	30/08/2013
174	174	455685814	La Minh Hồ	079091257200	318/2/1 Nguyễn Ảnh Thủ, Phường 10, Thành phố Vũng Tàu	1	21/04/2007
175	175	230942285	Trần Văn Kim Chiến	\N	Hẻm 202 Sư Vạn Hạnh, Phường 12, TP. Vũng Tàu	6	15/08/2000
176	176	637020064	Nguyễn Khánh	064068820876	220/30/1 Nguyen Chi Thanh, P. 12, Thanh pho Vung Tau, BRVT	4	05/08/2023
177	177	378530792	Nguyễn Phương Mến	079170688619	Số 28 Nguyễn Thị Minh Khai, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	02/07/2003
178	178	753805324	Dương Thanh Thắng	083098304933	222/39 Nguyễn Chí Thanh, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/03/2023
179	179	915585768	Lý Mỹ Hân	035176894626	32 Thùy Vân, Phường 10, Thành phố Vũng Tàu, BR-VT	6	03/04/1995
180	180	645476747	Trần Nhật Thái	077063101984	Số 8 Nguyễn Văn Tiết, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	13/05/2010
181	181	401976917	Lê Thanh Lân	079081755241	Hem 356 Do Xuan Hop, Phuong Rach Dua, HCM	2	04/08/2025
182	182	542974378	Võ Khánh Hạnh	079192878061	72 Phạm Văn Chiêu, F.1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	17/04/2006
183	183	963752684	Thạch Bảo Hùng	079200258541	145/23 Thùy Vân, F. 10, TP Vũng Tàu	2	28/01/2022
184	184	236632487	Nguyễn Văn Trí	079095811232	405/41 Ba Cu, Phuong 1, TP. Vung Tau, Tinh Ba Ria - Vung Tau	4	12/09/2005
185	185	585787320	Quách Minh Hoàng Thành	096076213968	397 Lê Văn Sỹ, P. 12, Thành phố Vũng Tàu	7	22/02/2003
186	186	468923450	Nguyễn An	040196564867	204 BA THÁNG HAI, 2, TP.VŨNG TÀU, BR-VT	5	03/11/2022
187	187	403703407	Nguyễn Hữu Đăng	079095931452	375 PHẠM VĂN CHIÊU, F. 10, THÀNH PHỐ PŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	2	13/03/2013
188	188	307033437	Kiều Công Mạnh	079064256519	227 Pasteur, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	21/08/2023
189	189	652152214	Hoàng Thị Mai	079198483601	Số 260 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/09/2018
190	190	194268487	Trần Thị Linh	\N	124 Ba Tháng Hai, P. 1, Thành phố Vũng Tàu, BR-VT	1	06/08/1995
191	191	255968504	Phạm Nhật Quyết	079203091572	320A Đỗ Xuân Hợp, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	21/05/2015
192	192	676304789	Lê Tấn Khôi	079052851083	312 Phạm Văn Chiêu, Phường 10, Thành phố Vũng Tàu	3	04/04/2009
193	193	789183339	Nguyễn Quốc Tú	004096049086	364 Ba Cu, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	02/02/2000
194	194	160077567	Nguyễn Hữu Lân	079096329070	312 Nguyễn Chí Thanh, Phường 2, Thành phố Vũng Tàu, BR-VT	3	12/02/1995
195	195	983753470	Nguyễn Hoài Hương	079301189927	226/22 Quang Trung, Phường 12, Thành phố Vũng Tàu	1	05/02/2012
196	196	812687730	Huỳnh Thành Khánh	079070460401	74 Đỗ Xuân Hợp Phường 10 Thành phố Vũng Tàu	2	06/02/2001
197	197	337321993	Nguyễn Thị Kim Nhi	079178296558	453 Quang Trung P. Phước Thắng	6	13/08/2025
198	198	730255213	Phạm Hồng Điệp	079190866020	130 Hoàng Hoa Thám, P.2, Thành phố Vũng Tàu, BR-VT	6	25/10/1995
199	199	566479402	Tạ Ngọc Luân	074091070785	327 Bùi Viện, Phường 2, Thành phố Vũng Tàu	5	17/05/2006
200	200	279782467	Vũ Văn Khôi	079086324114	Số 90 Nguyễn Kiệm, Phường 1, Thành phố Vũng Tàu	4	16/08/2007
201	201	952404637	Lê Văn Hiếu	079055225413	413 Ba Cu, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	28/08/2010
202	202	615130387	Lê Thị Nhung	079191384225	387/30 Yersin, F.12, TP. Vũng Tàu	4	28/10/2008
203	203	846074222	Nguyễn Thạnh	079079526673	362D Đỗ Xuân Hợp, P.10, Thành phố Vũng Tàu	5	15/10/2005
204	204	510539510	Nguyễn Trang	080152517393	Hẻm 112 Lũy Bán Bích, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	15/11/2006
205	205	938209910	Trần Xuân Anh	079088642046	207/19/17 Yersin, Phường Rạch Dừa, Thành phố Hồ Chí Minh	2	20/07/2025
206	206	253774957	Nguyễn Quốc Sinh	079054404985	125/28 Nguyễn Văn Tiết, P. 12, Thành phố Vũng Tàu, BRVT	3	03/07/2014
207	207	843582697	Nguyễn Văn Tùng	034094522027	474 Bà Hom, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	25/03/2001
208	208	801211720	Lê Quốc Bách	\N	440 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, BRVT	4	26/10/1997
209	209	137151390	Phạm Hồng Huệ	074187062781	463 Sư Vạn Hạnh, Phường 12, TP. Vũng Tàu	1	22/12/2007
210	210	701885769	Nguyễn Tấn Vĩnh	079068106593	410 Nguyễn Thị Minh Khai, P. Vũng Tàu, Thành phố Hồ Chí Minh	2	26/07/2025
211	211	099216748	Nguyễn Thanh Diệp	079164361577	361/17/20 NGUYỄN ẢNH THỦ, PHƯỜNG VŨNG TÀU, HCM	2	06/07/2025
212	212	699376737	Nguyễn Anh Hoàng Hòa	084079076859	108/22 Phạm Văn Chiêu, P. 1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	25/03/2007
213	213	765427773	Nguyễn Thanh Nhật	079045860331	370 Sư Vạn Hạnh, P. 12, TP.Vũng Tàu, BRVT	4	09/10/2013
214	214	740832964	Huỳnh Hữu Nhật	\N	389/40 Nguyễn Văn Tiết, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	22/09/2020
215	215	672117123	Phùng Đức Nam	077069292528	121 Ba Cu, Phường 1, Thành phố Vũng Tàu	1	11/08/2006
216	216	181101429	Tạ Thị Nguyệt	079193594007	113 Đỗ Xuân Hợp, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	29/12/2002
217	217	305739693	Nguyễn Ngọc Kim Tân	079077772060	306/30 Quang Trung, Phường Phước Thắng	3	26/07/2025
218	218	293535929	Nguyễn Công Hùng	079046570497	Hẻm 17 An Dương Vương, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	22/06/2016
219	219	093790180	Nguyễn Kim Thanh	054300316667	333 Võ Văn Kiệt, P. 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/09/2016
220	220	848436643	Huỳnh Khánh Thơ	\N	189 Ba Tháng Hai, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	09/03/2021
221	221	390231358	Đinh Hồng Khánh	074187280586	37/22 Pasteur, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	20/10/2009
222	222	147489761	Nguyễn Đức Quyết	074201039282	418/43 Bùi Viện, P.2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	04/11/2018
223	223	774252159	Đỗ Ngọc Tâm	080150189597	Số 281 Nguyễn Hữu Cảnh, 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	26/12/2001
224	224	025008360	Phạm Thùy Thu Ý	079179725230	305 Nguyễn Văn Tạo, Phường 10, TP.Vũng Tàu, BR-VT	5	17/11/2001
225	225	058806526	Nguyễn Văn Khôi	079077471979	454/21/1 Nguyễn Văn Trỗi, Phường 2, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	21/09/2021
226	226	964923891	Trần Văn Giang	079075591507	313 An Dương Vương, Phường Phước Thắng, Thành phố Hồ Chí Minh	1	08/07/2025
227	227	721450519	Võ Hoàng Hậu	\N	175 Nguyễn Ảnh Thủ, Phường 10, Thành phố Vũng Tàu, BR-VT	3	21/12/2024
228	228	255114883	Nguyễn Văn Thu Đệ	079084398907	Hẻm 458 Lê Văn Việt, Phường Phước Thắng, HCM	1	10/08/2025
229	229	362956489	Nguyễn Thu Linh	079192424081	400 Nguyễn Duy Trinh, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	01/07/2023
230	230	300790916	Trần Văn Toàn	079078637346	Hem 193 Le Van Viet, P. 12, Thanh pho Vung Tau, BRVT	2	09/09/2002
231	231	245227000	Lê Trung Mạnh	054054852438	68 Nguyễn Chí Thanh, P. 12, TP. Vũng Tàu, BRVT	4	30/01/1995
232	232	310562242	Huỳnh Thị Hiền	079190590958	Số 60 Lê Văn Sỹ, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	22/03/2020
233	233	643037468	Đỗ Tấn Phụng	\N	Số 370 Trần Hưng Đạo, Phường 1, Thành phố Vũng Tàu, BR-VT	3	11/07/1995
234	234	834250428	Phạm Mỹ Kha	079193125994	193 PHẠM VĂN CHIÊU, F. 10, TP VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	3	21/11/2018
235	235	128472503	Nguyễn Thành Công	091047635662	Số 327 Lê Văn Sỹ, F.12, Thành phố Vũng Tàu	4	13/07/1999
236	236	032942286	Nguyễn Minh Nương	079159430329	28 Trương Công Định, 1, Thành phố Vũng Tàu, BR-VT	4	27/02/2020
237	237	393917473	Lê Ngọc Bình	079170377929	Hẻm 155 Kha Vạn Cân, Phường 10, TP Vũng Tàu, BR-VT	3	10/04/2021
238	238	096657394	Nguyễn Văn Đạt	079045659006	Hẻm 420 Nguyễn Văn Tiết, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	06/12/2007
239	239	947879241	Võ Văn Nam	079086468666	174/40 Trần Hưng Đạo, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	22/04/2010
240	240	791795599	Nguyễn Thị Liễu	\N	243 Pasteur, P.2, Thành phố Vũng Tàu	1	11/08/2004
241	241	568672917	Nguyễn Hữu Vĩnh	079069877230	102 Đỗ Xuân Hợp, Phường 10, TP.Vũng Tàu, BR-VT	5	12/03/2001
242	242	584156864	Lưu Ngọc Phượng	079302163197	Số 213 Kha Vạn Cân, F. 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/05/1996
243	243	191692300	Võ Ngọc Bách	048047728728	302 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	18/06/2014
244	244	468607895	Nguyễn Thanh Giang	008082063820	369 Nguyễn Ảnh Thủ, Phường 10, Thành phố Vũng Tàu, BR-VT	4	25/11/2012
245	245	149024965	Lâm Văn Quân	079064258256	Hẻm 103 Hạ Long, P. 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	06/10/2003
246	246	789556422	Lê Thu Đào	\N	Số 121 Đỗ Xuân Hợp, Phường 10, TP Vũng Tàu, BR-VT	1	27/01/2009
247	247	910171179	Phạm Ngọc Thu	\N	240 Yersin, Phường Phước Thắng, Thành phố Hồ Chí Minh	5	18/08/2025
248	248	416421731	Phạm Ngọc Diễm	077145724526	Hẻm 98 Bà Hom, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	22/02/2020
249	249	841258691	Tạ Hữu Sỹ	079066982864	22 Pasteur, Phường Vũng Tàu, TP. Hồ Chí Minh	3	24/08/2025
250	250	242431724	Nguyễn Đức Tỷ	082069380223	Hẻm 335 Yersin, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	17/05/2011
251	251	961506476	Nguyễn Quốc Đông	079056596104	232 Đỗ Xuân Hợp, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	22/02/2003
252	252	787910634	Lê Văn Bình	087087411025	478 Đỗ Xuân Hợp, P. 12, TP. Vũng Tàu, BRVT	3	25/01/2001
253	253	523169556	Nguyễn Văn Nguyên	074065613606	273/28/18 Nguyễn Chí Thanh, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	14/04/1996
254	254	729411621	Nguyễn Thanh Dương	011065573069	203 Bùi Viện, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	21/07/2004
255	255	583044768	Lê Văn Hoàng	079068427529	392/46 Bà Hom, Phường 10, TP.Vũng Tàu, BR-VT	4	25/04/2015
256	256	503377480	Nguyễn Mỹ Hương	060171382352	2/29 Nguyễn Văn Linh, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	06/05/1997
257	257	028536788	Nguyễn Thị Ly	040175037220	Hẻm 31 Yersin, Phường 10, TP.Vũng Tàu, BR-VT	2	05/09/2000
258	258	406368607	Phạm Văn Vĩnh	\N	203 Lê Văn Sỹ Phường 12 TP. Vũng Tàu BRVT	3	07/12/2018
259	259	069514344	Nguyễn Minh Tuấn	074060254369	71 Do Xuan Hop, Phuong 12, Thanh pho Vung Tau	4	13/11/2024
260	260	571757550	Huỳnh Thị Gia Hoa	077193543885	1/9/11 Nguyễn Văn Tạo, Phường 10, TP Vũng Tàu, BR-VT	2	14/09/2013
261	261	555448432	Nguyễn Trung Thông	074068531254	474 Quang Trung, Phường Phước Thắng, Tp HCM	4	06/08/2025
262	262	092017196	Nguyễn Minh Thiện	077086719551	255 Pasteur, 2, Thành phố Vũng Tàu, BR-VT	3	25/03/2023
263	263	854902353	Nguyễn Thanh Ngân	079177740382	390 Ba Tháng Hai, F. 2, TP Vũng Tàu, BR-VT	3	08/05/2020
264	264	378863840	Phan Công Hiếu	079053220985	90 Đỗ Xuân Hợp, F.12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	01/05/2008
265	265	707893336	Phan Duy	079097410845	358B Pasteur, P. 12, TP.Vung Tau, BRVT	1	06/07/2004
266	266	459537719	Nguyễn Trung Trung	079082013491	154 Hạ Long, F.1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	18/02/2001
267	267	869837813	Nguyễn Văn Tường	079099687577	Hẻm 474 Ba Tháng Hai, Phường 2, Thành phố Vũng Tàu, BR-VT	5	28/06/2012
268	268	986641545	Nguyễn Hữu Thanh Trí	\N	406/25/2 An Dương Vương, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	22/12/2019
269	269	069725357	Huỳnh Minh Hiếu	\N	282/20 Nguyễn Chí Thanh, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	31/03/2007
270	270	645396842	Phan Đức Luân	048062195603	392 Võ Văn Tần, 2, TP Vũng Tàu, BR-VT	3	30/01/2023
271	271	497315040	Nguyễn Quốc Tuệ	079060177967	11 Nguyễn Văn Linh, Phường 2, TP Vũng Tàu, BR-VT	4	26/05/2005
272	272	656657112	Nguyễn Nhật Công	079077940780	350 Nguyễn Hữu Cảnh, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	23/09/2016
273	273	925667068	Hoàng Văn Thông	\N	300 Mai Chí Thọ, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	27/08/2003
274	274	607041483	Phan Quốc Thuận	079093205545	443 Phạm Văn Chiêu, Phường 10, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	23/04/2024
275	275	357521980	Lê Đức Danh	079072558243	290/44 An Dương Vương, Phường 12, Thành phố Vũng Tàu, BRVT	2	26/07/2008
276	276	621488048	Trần Thanh Dũng	079052167511	152 Trần Hưng Đạo, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	02/03/1999
277	277	316471991	Lê Quốc Đông	\N	288/4/5 Nguyễn Chí Thanh, P.2, TP.Vũng Tàu	3	17/07/2012
278	278	988814805	Trần Gia Ngân	058047839688	255 Ba Tháng Hai, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/04/2006
279	279	911052744	Phạm Minh Tường	079072011050	33 Do Xuan Hop, Phuong Phuoc Thang, TP.HCM	5	24/07/2025
280	280	874026224	Phan Văn Hưng	079055527747	404/37/9 Do Xuan Hop, Phuong 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	7	02/04/2002
281	281	902593832	Nguyễn Thị Thư	079176600656	132/54 Lũy Bán Bích, Phường 2, Thành phố Vũng Tàu	7	03/02/2017
282	282	688595877	Nguyễn Anh Minh	\N	47 Pasteur, Phường 2, Thành phố Sũng Tàu	3	14/03/2016
283	283	764648392	Nguyễn Hữu Bảo	079047945653	277 Yersin, Phường 10, Thành phố Vũng Tàu, BR-VT	2	19/05/2019
284	284	563061669	Lê Nhật Khoa	079087849992	258 BA CU, P. 1, TP.VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	5	10/05/2001
285	285	756034044	Phan Công Thọ	087045798191	263/48 NGUYỄN DUY TRINH, F. 10, THÀNH PHỐ VŨNG TÀU	3	10/08/2022
286	286	594579020	Huỳnh Thị Như	040147807170	335 Nguyễn Văn Tạo, P.10, TP Vũng Tàu	3	16/08/2000
287	287	803547938	Nguyễn Ngọc Khánh	079074241310	110/21 Đỗ Xuân Hợp, F.12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	11/11/1997
288	288	265343005	Nguyễn Khánh Thương	079184160371	35 Nguyễn Văn Tạo, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	04/10/2002
289	289	975391795	Lê Phương Đan	074172903194	383/29/18 Bùi Viện, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	29/06/1999
290	290	104449960	Trương Đức Lực	079096312311	28B Mai Chí Thọ, F.12, TP. Vũng Tàu, BRVT	4	12/04/2011
291	291	713792042	Lê Quốc Phúc	079058281725	285A An Dương Vương, Phường 2, TP Vũng Tàu, BR-VT	7	21/10/2014
292	292	340815809	Nguyễn Thị Dạ	079165684144	389 Nguyễn Thị Minh Khai, Phường 2, TP Vũng Tàu	4	29/12/2000
293	293	070928040	Trần Văn Quốc	079202815595	193 Đỗ Xuân Hợp, Phường 10, Thành phố Vũng Tàu, BR-VT	4	01/02/2011
294	294	266540794	Nguyễn Tấn Triết	019049645042	43 Nguyễn Ảnh Thủ, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	09/10/1997
295	295	223819695	Trần Trung Hiệp	070202238339	400 Nguyễn Hữu Cảnh, F. 2, Thành phố Vũng Tàu, BR-VT	2	21/03/2011
296	296	759272546	Bùi Văn Sơn	079079974224	88 Sư Vạn Hạnh, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	23/05/2008
297	297	300233148	Lê Hoàng Vĩnh	074088755057	374/13 Trương Công Định, Phường 1, TP. Vũng Tàu	6	12/12/2014
298	298	681222100	Nguyễn Phương Phượng	074174516179	230 Pasteur, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	29/06/2009
299	299	178164445	Trương Mỹ Mai	074161806364	206 QUANG TRUNG, PHƯỜNG 12, TP. VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	2	30/01/2005
300	300	750170423	Nguyễn Thị Hạ	079189764229	189/21 Yersin, Phuong 12, TP. Vung Tau, BRVT	2	13/09/2002
301	301	854362379	Phan Hiền	074060301381	422/15 Do Xuan Hop, Phuong 10, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	14/12/2005
302	302	544601205	Phan Hữu Vinh	\N	165/12/18 Nguyễn Chí Thanh, P. 12, TP.Vũng Tàu, BRVT	5	02/08/1999
303	303	954918509	Phan Văn Việt	079061497849	462/21 Ba Cu, Phường 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	10/05/2007
304	304	934032937	Nguyễn Hữu Hậu	\N	477D Pasteur, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	27/01/2010
305	305	339492963	Ngô Minh Nhật	077067982519	28A Lê Văn Sỹ, P. 12, TP. Vũng Tàu	3	31/01/2024
306	306	566271016	Lê Thu Hoa	079145915582	Hẻm 322 Nguyễn Văn Lượng, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	07/11/2001
307	307	255756603	Nguyễn Văn Tuệ	072067398808	243/9/20 Mai Chí Thọ, Phường Phước Thắng, TP. Hồ Chí Minh	5	20/08/2025
308	308	022068965	Trần Quốc Huy	\N	95 Võ Nguyên Giáp, F.1, Thành phố Vũng Tàu, BR-VT	2	24/12/2011
309	309	688114436	Bùi Bình	\N	116B An Dương Vương, F.12, Thành phố Vũng Tàu	3	29/07/2016
310	310	300747156	Bùi Văn Hạnh	077065232065	239/60 Quang Trung, F.12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	17/02/2011
311	311	820208999	Nguyễn Văn Gia Ngân	079069737816	426/48 Đỗ Xuân Hợp, Phường 1, Thành phố Vũng Tàu, BR-VT	3	14/10/2019
312	312	699402945	Nguyen Trung Ut	079072848904	Hẻm 223 Nguyễn Ảnh Thủ Phường 1 TP. Vũng Tàu	3	08/06/1996
313	313	444447095	Lê Thị Hân	022195447817	396/19/1 Quang Trung, F. 10, Thành phố Vũng Tàu	1	18/03/2022
314	314	236632487	Nguyen Van Tri	079095811232	405/41 Ba Cu, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	12/09/2005
315	315	160077567	Nguyễn Hữu Lân	079096359070	312 Nguyễn Chí Thanh, 10, Thành phố Vũng Tàu, BR-VT	3	12/02/1995
316	316	983753470	Nguyễn Hoài Hương	079001189927	226/22 Quang Trung, P. 12, TP. Vũng Tàu, BRVT	1	05/02/2012
317	317	587910634	Lê Văn Bìhn	087087411025	478 Đỗ Xuân Hợp, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	25/01/2001
318	318	925667088	Hoàng Văn Thông	\N	300 Mai Chí Thọ, Phường 2, TP Vũng Tàu, BR-VT	2	27/08/2003
319	319	104449960	Trương Đức Lực	079096312311	28B Mai Chí Thọ, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	04/12/2011
\.


ALTER TABLE ONLY "households_747"."households"
    ADD CONSTRAINT "households_pkey" PRIMARY KEY (source_pk);

-- rows: 319
