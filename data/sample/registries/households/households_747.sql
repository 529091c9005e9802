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
1	1	665076326	Nguyễn Văn Công	074085536882	187 Hoàng Văn Thụ, F.1, Thành phố Vũng Tàu	5	02/11/2016
2	2	733064211	Nguyễn Quý	\N	195 Đỗ Xuân Hợp, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	07/07/2002
3	3	173049815	Lê Gia Hoan	077202775218	291 Ba Tháng Hai, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	29/10/2007
4	4	973428378	Phạm Văn Mẫn	079065159276	Hẻm 182 Nguyễn Văn Linh, Phường 2, TP Vũng Tàu, BR-VT	3	14/07/2024
5	5	125688255	Huỳnh Thị Mai	\N	100 Trần Hưng Đạo, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	09/12/2018
6	6	927036752	Trần Lâm	079080419862	28/7 Hoàng Hoa Thám, F. 2, Thành phố Vũng Tàu, BR-VT	2	09/10/2010
7	7	669205671	Nguyễn Hữu Tùng	079094572576	362 Nguyễn Văn Lượng, Phường 1, Thành phố Vũng Tàu, BR-VT	1	17/07/1997
8	8	466541768	Nguyễn Gia Hải	079097426404	224/25/9 Nguyễn Văn Tạo, Phường 10, Thành phố Vũng Tàu, BR-VT	8	14/11/2011
9	9	120390140	Phạm Hoài Lành	074198177290	152/47 Mai Chí Thọ, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	29/06/2001
10	10	879109980	Lê Thành Hải	079056433979	288 Hoàng Hoa Thám, F. 2, Thành phố Sũng Tàu, BR-VT	2	10/06/2022
11	11	166654723	Nguyễn Công Lân	079066692327	211 Nguyễn Hữu Cảnh, F. 2, Thành phố Vũng Tàu, BR-VT	5	05/12/2024
12	12	085304453	Trần Thị Thơ	026176096259	374 Bà Hom, Phường 10, TP.Vũng Tàu	2	08/04/2016
13	13	952335856	Trịnh Đức Hùng	074047342464	153/50 Yersin, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	29/12/2008
14	14	614785372	Lê Thị Tiên	064188489999	308/35/20 Hoàng Hoa Thám, P.2, Thành phố Vũng Tàu, BR-VT	4	20/06/2003
15	15	133019546	Lê Văn Thái	074050260032	Hẻm 82 Trần Quang Khải, Phường 1, Thành phố Vũng Tàu	7	04/08/2009
16	16	735895187	Võ Thảo Vy	079195753558	464/9 Bà Hom, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	26/09/2009
17	17	187861412	Nguyễn Việt	077055592589	249 Võ Văn Kiệt, Phường 1, TP.Vũng Tàu	2	03/01/1996
18	18	258219722	Phạm Xuân Mai Toàn	079091489335	168 Đỗ Xuân Hợp Phường 12 TP.Vũng Tàu BRVT	5	08/01/2003
19	19	923870670	Nguyễn Anh	031190252345	120/26 Ba Cu, Phường 1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	18/12/2022
20	20	291385229	Nguyễn Minh Phước	079097030711	332 Nguyễn Thị Minh Khai, F. 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	09/04/2023
21	21	063762157	Lê Đức Đệ	079097843694	345B Lê Văn Lương, F.1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	05/04/2004
22	22	855617342	Nguyễn Trung	\N	217/10 Phạm Văn Chiêu, F. 10, Thành phố Vũng Tàu, BR-VT	2	08/02/2019
23	23	262751412	Lê Ngọc Giang	074060291816	5 Ba Tháng Hai, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/11/2016
24	24	709384972	Lê Tấn Khải	010092693658	471/16/9 Nguyễn Chí Thanh, F.12, TP.Vũng Tàu, BRVT	4	15/09/2011
25	25	600282329	Nguyễn Văn Thu Hiển	\N	206/58 An Dương Vương, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	24/05/2014
26	26	995605430	Nguyễn Minh Cẩm	079145685292	144 LÊ VĂN SỸ, PHƯỜNG 12, THÀNH PHỐ EŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	4	08/01/2019
27	27	820208999	Nguyễn Quốc Khải	079069760013	426/48 Đỗ Xuân Hợp, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	15/10/2019
28	28	925519861	Nguyễn Văn Sỹ	079054144894	109 Nguyễn Văn Trỗi, Phường 2, Thành phố Vũng Tàu, BR-VT	3	27/12/2006
29	29	586693055	Huỳnh Thị Hường	\N	321/35 Nguyễn Kiệm, Phường 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	22/11/2009
30	30	828403248	Nguyễn Minh Lực	079058474784	23 Mai Chí Thọ, P. 12, Thành phố Vũng Tàu	1	08/05/1996
31	31	631636564	Trần Nhật Hoàng	022063006790	404 Pasteur, F.12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	03/10/2016
32	32	186056521	Nguyễn Văn Công	079061693188	315 Võ Nguyên Giáp, Phường 1, Thành phố Vũng Tàu	3	17/09/2019
33	33	290258011	Nguyễn Thanh Diệp	079191816441	Hẻm 363 Lê Văn Việt, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	19/01/2012
34	34	315417963	Nguyễn Hữu Hồ	046090923140	52 Nguyễn Văn Linh, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	07/05/1996
35	35	858179108	Nguyễn Thanh Phát	079061665357	232 Đỗ Xuân Hợp, F. 10, TP Vũng Tàu	4	18/04/1998
36	36	012365719	Nguyễn Văn Rạng	079068251155	33 Pasteur, Phường 12, TP. Vũng Tàu	4	16/05/2007
37	37	316140045	Nguyễn Đệ	079070793768	Số 72 Nguyễn Văn Tiết, Phường 12, TP. Vũng Tàu	3	01/09/2009
38	38	279144967	Phạm Tấn Kiên	074092229660	455/43 Mai Chi Tho, Phuong 12, Thanh pho Vung Tau, BRVT	3	27/07/2013
39	39	682596297	Trần Văn Công	040046011655	249 Lê Văn Lương, 1, Thành phố Pũng Tàu	7	26/06/2021
40	40	458004991	Đinh Văn Ngân	079072180770	243/16 Trương Công Định, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	19/02/2017
41	41	794348765	Nguyễn Hữu Phước	074077060026	65/32 PHẠM VĂN CHIÊU, P.10, TP.VŨNG TÀU, BR-VT	7	31/07/2007
42	42	229973610	La Khánh Trâm	077180668895	437 Pasteur, Phường 1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	27/07/2009
43	43	944281885	Phạm Hoàng Vĩnh	037096455806	299 An Dương Vương, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	07/06/2018
44	44	745563365	Phạm Thảo Bình	079148293723	165C Nguyễn Văn Lượng, Phường 10, TP Vũng Tàu, BR-VT	2	23/03/1996
45	45	892179389	Lê Văn Trí	070050357074	141 Đỗ Xuân Hợp, Phường Vũng Tàu, TP. Hồ Chí Minh	5	04/07/2025
46	46	155845919	Nguyễn Thị Ngọc Anh	079189658578	391/28 An Dương Vương, P. Vũng Tàu	4	25/07/2025
47	47	327485263	Vũ Ngọc Phụng	079050123363	98 Nguyễn Chí Thanh, Phường 12, Thành phố Vũng Tàu, BRVT	4	16/03/2021
48	48	936527485	Trần Thị Mai	079180294314	241/52 VÕ NGUYÊN GIÁP, P. 1, TP. VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	6	25/12/2002
49	49	139840669	Trương Ngọc Nguyệt	077183703446	466 Bùi Viện, Phường 2, TP Vũng Tàu, BR-VT	5	17/03/2005
50	50	866319876	Đặng Văn Minh	\N	26 Nguyễn Ảnh Thủ, Phường 10, Thành phố Pũng Tàu	2	19/03/2003
51	51	113737716	Lê Phượng	079193366938	63 NGUYỄN VĂN LƯỢNG PHƯỜNG 10 TP VŨNG TÀU TỈNH BÀ RỊA - VŨNG TÀU	6	18/03/1998
52	52	343797264	Trần Quốc Quang	\N	87 Nguyễn Ảnh Thủ, Phường 10, TP Vũng Tàu, BR-VT	1	15/08/2016
53	53	313112787	Huỳnh Minh Bảo	\N	436 Võ Văn Tần, Phường 2, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	16/08/2005
54	54	923024687	Đặng Gia Nhân	079054132571	450 Pasteur, P. 1, Thành phố Vũng Tàu, BR-VT	3	20/02/2018
55	55	274302710	Nguyễn Tấn Công	035055094672	Hẻm 318 Nguyễn Chí Thanh, Phường 12, Thành phố Vũng Tàu, BRVT	3	19/12/2020
56	56	712816102	Nguyễn Quốc Trí	\N	366 Le Van Sy, P. 1, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	7	13/11/2012
57	57	951428903	Huỳnh Văn Đạt	079085194085	241/41 Nguyễn Kiệm, 1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	25/11/2003
58	58	871306437	Hồ Thị Lài	079190524424	312/54 Nguyễn Văn Lượng, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	19/09/2024
59	59	441161876	Nguyễn Quốc Hiền	049201251802	Số 163 Nguyễn Kiệm, Phường 1, TP. Vũng Tàu, BR-VT	3	10/12/2019
60	60	438520490	Lê Văn Tiến	079050025774	211/4 Nguyễn Văn Lượng, Phường 1, Thành phố Vũng Tàu, BR-VT	7	18/12/2002
61	61	913289985	Nguyễn Thu Ý	079180873335	177 Bùi Viện, P. Vũng Tàu	6	09/07/2025
62	62	144601932	Vũ Thị Quyên	\N	375C Pasteur, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	25/09/2006
63	63	782277278	Trần Thanh Toàn	010083094434	74 Nguyễn Văn Trỗi, P.2, TP.Vũng Tàu, BR-VT	1	25/11/2008
64	64	332688285	Nguyễn Hoàng Hoàng	079057817750	Hẻm 400 Lê Văn Việt, Phường Phước Thắng, TP. Hồ Chí Minh	6	20/08/2025
65	65	018565819	Lê Văn Quang	079072397255	99 Nguyễn Ảnh Thủ, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	19/05/2014
66	66	629311359	Hoàng Thanh Mẫn	079086846261	Số 83 Thùy Vân, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	19/10/2004
67	67	572966899	Nguyễn Văn Hồ	\N	447/15/9 Đỗ Xuân Hợp, F.12, TP. Vũng Tàu, BRVT	4	03/06/1999
68	68	376315163	Nguyễn Thị Tiên	\N	203/18 Pasteur, Phường 1, TP. Vũng Tàu, BR-VT	4	12/11/2017
69	69	345630603	Lê Văn Kim Trường	092095621186	207 Nguyễn Văn Lượng, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	16/02/1996
70	70	863203247	Lê Mỹ Tuyết	074192199862	102/51 Sư Vạn Hạnh, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	17/06/2006
71	71	548442100	Nguyễn Trung Thái	079057372558	333 Pasteur, Phuong 1, Thanh pho Vung Tau, BR-VT	3	13/12/2018
72	72	184514426	Nguyễn Tấn Hưng	079069203833	89 Trương Công Định, Phường 1, Thành phố Vũng Tàu	1	04/11/2003
73	73	299690142	Dương Thị Lựu	079154487647	376/32/14 Nguyễn Văn Trỗi, 2, TP Vũng Tàu, BR-VT	2	06/07/2021
74	74	965322208	Huỳnh Hoàng Đức	079055360023	299/27/5 Pasteur, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	19/10/2018
75	75	417209358	Đinh Minh Mai Vân	079189920018	108 Lê Văn Sỹ, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	01/10/1997
76	76	159756490	Hồ Phương Thu	074171657232	408 NGUYỄN CHÍ THANH, PHƯỜNG 10, TP VŨNG TÀU	4	25/09/2009
77	77	007882770	Lý Thanh Hoàng Hữu	079080868119	Số 75 Đỗ Xuân Hợp, P. 12, Thành phố Vũng Tàu, BRVT	6	27/10/1996
78	78	675483977	Phạm Hữu Thuận	079083453310	176 Nguyễn Văn Lượng, F. 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	16/04/1999
79	79	645120316	Phan Văn Tuệ	\N	Hẻm 461 Ba Tháng Hai, Phường 2, Thành phố Vũng Tàu	3	16/06/2021
80	80	686876826	Nguyễn Văn Việt	074200971490	436/38 Nguyễn Duy Trinh, Phường 10, TP Vũng Tàu	6	04/02/2001
81	81	855773953	Phạm Phương Mai Thúy	079158866837	387 Lê Văn Lương, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	22/08/2006
82	82	660598059	Trần Thanh Mỹ	077180157833	338 Phạm Văn Chiêu, Phường 10, Thành phố Vũng Tàu	2	18/01/2009
83	83	344616108	Lê Hoàng Hậu	079098531613	473 ĐỖ XUÂN HỢP, F.1, TP.VŨNG TÀU, BR-VT	4	22/09/1996
84	84	848275568	Lâm Thị Mai An	074192211555	54 Ba Hom, Phuong 10, Thanh pho Pung Tau	4	16/12/2018
85	85	394795023	Nguyễn Chiến	\N	300/12 Nguyễn Kiệm, P. 1, TP. Vũng Tàu	6	18/02/2024
86	86	446830137	Lê Ngọc Lượng	012062028480	450 Sư Vạn Hạnh, P. Phước Thắng, HCM	3	01/08/2025
87	87	454910830	Lê Chiến	074066487673	218 Võ Nguyên Giáp, Phường 1, Thành phố Vũng Tàu, BR-VT	6	10/04/2005
88	88	046764155	Lê Mai	074174548869	469A Võ Văn Kiệt, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	07/12/2019
89	89	823808880	Cao Ngọc Hồ	077094459605	25/60 Do Xuan Hop, Phuong 12, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	1	05/12/2004
90	90	184244188	Nguyễn Nguyên	\N	99/30 Mai Chí Thọ, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	23/02/1999
91	91	818121641	Nguyễn Quốc Xuân	079068614435	12/7/4 Ba Thang Hai, P. 1, Thanh pho Vung Tau	5	18/04/2014
92	92	310583023	Châu Nhật Sang	084080606879	73/5/20 ĐỖ XUÂN HỢP, PHƯỜNG 12, THÀNH PHỐ VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	4	03/08/2007
93	93	177726823	Trương Minh An	079049877127	98/17/9 Nguyen Anh Thu, F. 10, Thanh pho Pung Tau	3	16/06/1996
94	94	863001759	Trần Văn Thành	079045574198	123/4 Nguyễn Hữu Cảnh, 2, TP Vũng Tàu, BR-VT	6	17/05/1997
95	95	527452819	Nguyễn Hữu Kim Duy	079097986509	300/40 Phạm Văn Chiêu, Phường Vũng Tàu, TP.HCM	2	12/08/2025
96	96	590089684	Phạm Hồng Thắm	079156614891	368/30 Hạ Long, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	30/07/2008
97	97	705082924	Nguyễn Lâm	079099972710	137/35 Yersin, Phường 12, TP. Vũng Tàu, BRVT	3	26/04/2005
98	98	027518927	Nguyễn Khánh Quỳnh	079186402569	Hem 18 Nguyen Kiem, Phuong 1, TP. Vung Tau, BR-VT	2	01/01/2017
99	99	208313747	Nguyễn Thanh Trâm	074192019465	78 Nguyễn Chí Thanh, P. Phước Thắng, Thành phố Hồ Chí Minh	2	04/07/2025
100	100	587836180	Bùi Hữu Hùng	079082483903	207 Nguyen Huu Canh, Phuong 2, Thanh pho Vung Tau, BR-VT	3	02/05/2010
101	101	031585882	Trần Anh Đông	\N	10 Yersin, Phường 10, Thành phố Vũng Tàu, BR-VT	3	16/01/2018
102	102	778487949	Trần Hữu Ngân	\N	454 Lê Văn Sỹ, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	01/09/2007
103	103	597953451	Võ Văn Trí	077072143658	83 Ba Tháng Hai, Phường 2, Thành phố Vũng Tàu, BR-VT	5	30/06/2010
104	104	654064734	Nguyễn Văn Vinh	079082004510	286/48 Yersin, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	30/03/2015
105	105	736227789	Nguyễn Thị Na	079152298068	457B Võ Văn Kiệt, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	09/02/2004
106	106	328101551	Lê Văn Gia Thông	079087689082	268 Lê Văn Việt, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	25/01/2023
107	107	164918627	Phạm Thị Tuyền	054159083962	430/60 Nguyễn Duy Trinh Phường 10 TP Vũng Tàu	3	10/05/2005
108	108	032311056	Dương Hữu Phát	091081265875	307 Kha Vạn Cân, P.10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/12/2010
109	109	914640446	Nguyễn Minh Trường	079077509366	403/30 Ba Tháng Hai, Phường 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	18/11/2008
110	110	699402945	Nguyễn Hữu Ngân	079072625083	Hẻm 223 Nguyễn Ảnh Thủ, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	08/06/1996
111	111	706816469	Vũ Công Cường	026058925248	322 Le Van Sy, Phuong 12, TP. Vung Tau, Tinh Ba Ria - Vung Tau	2	08/01/2021
112	112	063960664	Phan Bảo Nghi	079149434366	80 Mai Chí Thọ, Phường 12, Thành phố Vũng Tàu	6	23/04/2016
113	113	679571118	Nguyễn Nhật Trí	\N	395/50 Ba Tháng Hai, P. 1, Thành phố Pũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	11/05/1999
114	114	899766936	Nguyễn Quốc Thắng	052096836295	261C An Dương Vương, 2, TP Vũng Tàu, BR-VT	4	03/01/1999
115	115	989009621	Mai Văn Hào	004090428054	269 Pham Van Chieu, Phuong 10, Thanh pho Vung Tau, BR-VT	2	08/07/2024
116	116	887283894	Trần Dũng	079082619040	189 Ba Cu, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	26/08/2018
117	117	410950817	Đặng Thanh Mơ	079174441592	223/34/20 Nguyễn Chí Thanh, Phường Phước Thắng, Thành phố Hồ Chí Minh	3	07/07/2025
118	118	443467338	Phạm Văn Đạt	004099741683	189/22/12 Trần Hưng Đạo, P. 1, Thành phố Vũng Tàu, BR-VT	4	30/09/2024
119	119	830923919	Nguyễn Công Đăng	079071004826	193/8 Quang Trung, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	09/03/2021
120	120	476655066	Phạm Anh Tiến	\N	7/25 Nguyễn Văn Linh, Phường Vũng Tàu	4	13/07/2025
121	121	490535665	Nguyễn Công Đông	079090977666	209 Quang Trung, Phường 12, TP. Vũng Tàu, BRVT	4	13/12/2014
122	122	774450151	Phạm Văn Trung	\N	195 Lê Văn Sỹ, P. 12, Thành phố Vũng Tàu	2	16/07/2012
123	123	444447095	Lê Thị Nhàn	037195483605	396/19/1 Quang Trung, F.12, Thành phố Vũng Tàu, BRVT	2	18/03/2022
124	124	681724775	Phan Đức Minh	079066175511	136 Pasteur, Phường 12, TP.Vũng Tàu, BRVT	1	17/04/2016
125	125	514031456	Võ Văn Hoàng Thắng	079079974246	61 Đỗ Xuân Hợp, 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	08/02/2006
126	126	090292397	Trần Văn Đăng	079070692634	55 Bà Hom, Phường 10, Thành phố Vũng Tàu, BR-VT	3	20/02/2003
127	127	771396960	Nguyễn Thảo Dạ	\N	64/45 Nguyễn Thị Minh Khai, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	01/11/1999
128	128	628447357	Nguyễn Hoàng Gia Xuân	079050183206	462/30 Bui Vien, Phuong 2, TP Vung Tau	5	06/06/2008
129	129	281891711	Lê Văn Tuấn	079059974935	175C Nguyễn Chí Thanh, F. 10, TP.Vũng Tàu, BR-VT	1	06/02/2011
130	130	189671778	Nguyễn Anh Chiến	077095603080	341 Le Van Viet, P. 12, TP. Vung Tau, BRVT	4	12/02/2013
131	131	201513666	Nguyễn Thanh Bảo	077083642575	32 Hoàng Hoa Thám, Phường 2, Thành phố Vũng Tàu	3	28/01/2020
132	132	317205028	Từ Thành Định	079068444319	Số 327 Yersin, P.10, TP Vũng Tàu, BR-VT	6	17/10/2019
133	133	463414190	Phạm Minh Dương	024079719267	246 Yersin, Phường Rạch Dừa	3	23/08/2025
134	134	567399688	Trần Văn Phong	074081151175	172 Lê Văn Sỹ, P. 12, TP. Vũng Tàu	3	12/12/2006
135	135	883793561	Nguyễn Gia Hiệp	077062611248	52/25 Nguyễn Thị Minh Khai, F. 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	8	15/06/2018
136	136	612070758	Nguyễn Thị Vân	079151254268	470 Nguyễn Ảnh Thủ, 10, Thành phố Vũng Tàu	1	03/09/2020
137	137	614026777	Lê Thị Sương	079155163586	350 Kha Vạn Cân, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	29/12/2019
138	138	684990980	Trần Đức Khải	074045624745	431 Pasteur, Phường 12, Thành phố Vũng Tàu, BRVT	4	27/07/2003
139	139	889222804	Trần Ngọc Chiến	077056980080	Số 314 Bùi Viện, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	12/11/2014
140	140	671589522	Nguyễn Hoàng Khang	079085187283	Hem 320 Nguyen Thi Minh Khai, Phuong 2, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	03/04/2019
141	141	528071173	Đặng Trung Kha	079089142337	403/10/9 Đỗ Xuân Hợp, 1, Thành phố Vũng Tàu	3	16/10/2014
142	142	973637701	Lê Thị Lài	079192060969	18C Lê Văn Việt, F.12, Thành phố Eũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	08/03/2002
143	143	805004808	Trần Văn Long	\N	280 Nguyễn Văn Trỗi, Phường 2, Thành phố Vũng Tàu	4	14/01/2012
144	144	318977746	Kiều Văn Hồ	\N	239 Sư Vạn Hạnh, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	27/10/2001
145	145	617605238	Nguyễn Thị Lài	\N	346D Đỗ Xuân Hợp, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	21/10/2012
146	146	082902434	Châu Thị Hiền	066169781341	236/9/15 Hoàng Hoa Thám, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	27/09/1998
147	147	560059667	Phạm Minh Phát	079084666679	297/13 Võ Văn Tần, 2, Thành phố Vũng Tàu	3	18/08/2000
148	148	146314964	Trần Ngọc Dạ	079166329329	139/32 PASTEUR, P. 12, THÀNH PHỐ VŨNG TÀU	4	08/05/2022
149	149	377485698	Huỳnh Văn Kỳ	040045777330	85C Nguyễn Chí Thanh, Phường Rạch Dừa	4	20/07/2025
150	150	077472349	La Văn Mạnh	079065681045	154 Nguyễn Văn Trỗi, P.2, TP Vũng Tàu, BR-VT	6	27/08/2016
151	151	419640178	Trần Văn Quý	079076694587	178 Phạm Văn Chiêu, Phường 1, Thành phố Vũng Tàu, BR-VT	6	13/01/2004
152	152	939683254	Huỳnh Ngọc Sỹ	015057593209	392 Nguyễn Hữu Cảnh, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	10/11/2010
153	153	523317900	Lê Minh Long	079068553854	338/2 Thùy Vân, 10, TP.Vũng Tàu, BR-VT	3	04/10/2004
154	154	689962589	Lê Văn Hiệp	091081481277	465/7 Quang Trung, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/10/1999
155	155	476526168	Nguyễn Văn Dũng	042097686825	294 BÀ HOM, F. 10, TP.VŨNG TÀU	2	01/11/1997
156	156	722953200	Trần Toàn	095089341513	210/19 Bà Hom, Phường Rạch Dừa, Thành phố Hồ Chí Minh	4	27/08/2025
157	157	580624607	Nguyễn Tấn Xuân	\N	10 Nguyễn Kiệm, Phường Vũng Tàu, Thành phố Hồ Chí Minh	4	04/08/2025
158	158	307880545	Trương Thị Loan	074170908546	16 Nguyễn Văn Linh, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	11/06/2015
159	159	882142348	Phan Minh Ngọc Phước	079201009144	173 Nguyễn Ảnh Thủ, Phường 2, Thành phố Vũng Tàu, BR-VT	2	19/11/2013
160	160	630370016	Diệp Văn Việt	072095337152	19 Pham Van Chieu, Phuong 10, Thanh pho Vung Tau	1	17/01/2023
161	161	091751567	Lê Văn Hòa	079063292534	304 Nguyễn Ảnh Thủ, Phường 2, Thành phố Vũng Tàu	3	11/02/2020
162	162	434256416	Lê Thanh Lực	079086829316	435/11/16 Nguyen Van Tiet, P. 12, Thanh pho Vung Tau, BRVT	3	03/06/2013
163	163	572462888	Nguyễn Đức Đệ	072076264826	260 Hoàng Văn Thụ, P. 1, TP. Vũng Tàu, BR-VT	2	05/06/2003
164	164	787885719	Lê Minh Kiên	074091844499	169/20 Nguyễn Chí Thanh, Phường 10, Thành phố Vũng Tàu, BR-VT	8	24/09/2023
165	165	967274444	Phạm Tấn Phước	024061991502	Số 43 Nguyễn Văn Trỗi, 2, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	24/04/2009
166	166	117793700	Nguyễn Văn Việt	\N	341 Trần Quang Khải, Phường Vũng Tàu, Thành phố Hồ Chí Minh	5	28/08/2025
167	167	411147633	Hồ Kim Thanh	079190956992	271/22/11 Lũy Bán Bích, P.2, Thành phố Vũng Tàu, BR-VT	4	03/06/2015
168	168	178581949	Nguyễn Đức Thu Khoa	079092296698	403 Lê Văn Lương, 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	20/01/2018
169	169	091700022	Bùi Hữu Tỷ	034087798089	259 Đỗ Xuân Hợp, F.12, TP. Vũng Tàu, BRVT	6	05/10/1995
170	170	324383339	Võ Thanh Nghĩa	077074546034	177/16/6 Đỗ Xuân Hợp, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	08/04/1999
171	171	904791913	Trần Hoàng Sang	079055132798	90 An Dương Vương, Phường 12, Thành phố Vũng Tàu	3	11/05/2003
172	172	076389742	Nguyễn Công Minh	079050475479	Hẻm 43 Nguyễn Thị Minh Khai, F. 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	25/01/2019
173	173	471669781	Nguyễn Thảo Hoàng Khánh	079164586658	116 Nguyễn Thị Minh Khai, F. 2, TP Vũng Tàu, BR-VT	2	30/08/2013
174	174	455685814	La Văn Lực	079091252833	318/2/1 Nguyễn Ảnh Thủ, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	21/04/2007
175	175	230942285	Trần Văn Hậu	079080433192	Hẻm 202 Sư Vạn Hạnh, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	15/08/2000
176	176	637020064	Nguyễn Văn Hoàng Vũ	074068028160	220/30/1 Nguyễn Chí Thanh, P. Phước Thắng, Thành phố Hồ Chí Minh	4	09/07/2025
177	177	378530792	Nguyễn Thị Cúc	027170397675	So 28 Nguyen Thi Minh Khai, Phuong 2, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	4	02/07/2003
178	178	753805324	Dương Thanh Rạng	079098376199	222/39 Nguyen Chi Thanh P. 12 Thanh pho Vung Tau BRVT	4	25/03/2023
179	179	915585768	Lý Ngọc Diễm	\N	32 Thùy Vân, F. 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	03/04/1995
180	180	645476747	Trần Công Hoàng	079063279507	Số 8 Nguyễn Văn Tiết, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	13/05/2010
181	181	401976917	Lê Xuân Lợi	079081434621	Hem 356 Do Xuan Hop, Phuong 10, TP Vung Tau, Tinh Ba Ria - Vung Tau	2	11/07/2018
182	182	542974378	Võ Thảo Nhi	074192125715	72 Phạm Văn Chiêu, F.1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	17/04/2006
183	183	963752684	Thạch Quốc Quang	079200218811	145/23 Thùy Vân, Phường 10, Thành phố Pũng Tàu, BR-VT	2	28/01/2022
184	184	236632487	Nguyễn Thanh Thông	077095208107	405/41 Ba Cu, Phường 1, Thành phố Vũng Tàu, BR-VT	4	12/09/2005
185	185	585787320	Quách Đức Kiên	012076142957	397 Lê Văn Sỹ P. 12 TP. Vũng Tàu	7	22/02/2003
186	186	468923450	Nguyễn Thị Nhàn	079196555477	204 Ba Thang Hai, F. 2, Thanh pho Vung Tau, BR-VT	5	03/11/2022
187	187	403703407	Nguyễn Văn Nam	084095034200	375 Phạm Văn Chiêu, Phường 10, Thành phố Vũng Tàu, BR-VT	2	13/03/2013
188	188	307033437	Kiều Hữu Tỷ	079064376559	227 Pasteur, P. 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	21/08/2023
189	189	652152214	Hoàng Thị Lệ	094198907229	So 260 Do Xuan Hop, F.12, Thanh pho Vung Tau, BRVT	4	25/09/2018
190	190	194268487	Trần Kha	\N	124 Ba Tháng Hai, P. 1, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	06/08/1995
191	191	255968504	Phạm Văn Khánh	064203478390	320A Đỗ Xuân Hợp, F.12, TP. Vũng Tàu, BRVT	2	21/05/2015
192	192	676304789	Lê Thành Công	074052616568	312 Phạm Văn Chiêu, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	04/04/2009
193	193	789183339	Nguyễn Nhật Chiến	079096144086	364 Ba Cu, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	02/02/2000
194	194	160077567	Nguyễn Tấn Vương	\N	312 Nguyễn Chí Thanh, 2, Thành phố Vũng Tàu	3	12/02/1995
195	195	983753470	Nguyễn Ngọc Mơ	077301748667	226/22 Quang Trung, Phường 12, Thành phố Vũng Tàu, BRVT	1	05/02/2012
196	196	812687730	Huỳnh Thanh Tài	079070616625	74 Đỗ Xuân Hợp, Phường Rạch Dừa, HCM	2	03/07/2025
197	197	337321993	Nguyễn Thị Nhạn	077178699620	453 Quang Trung, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	24/04/2004
198	198	730255213	Phạm Thị Kim	079190010969	130 Hoàng Hoa Thám, P.2, TP Vũng Tàu, BR-VT	6	25/10/1995
199	199	566479402	Tạ Văn Khang	079091726522	327 Bùi Viện, 2, Thành phố Vũng Tàu, BR-VT	5	17/05/2006
200	200	279782467	Vũ Hiền	074086510175	Số 90 Nguyễn Kiệm, P. 1, Thành phố Vũng Tàu, BR-VT	4	16/08/2007
201	201	952404637	Lê Công Khôi	079055828846	413 Ba Cu, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	28/08/2010
202	202	615130387	Lê Thị Bình	079191645675	387/30 Yersin, P. 12, TP. Vũng Tàu, BRVT	4	28/10/2008
203	203	846074222	Nguyễn Văn Hiển	079079204709	362D Đỗ Xuân Hợp, Phường 10, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	15/10/2005
204	204	510539510	Nguyễn Thị Bảo Mơ	079152347895	Hẻm 112 Lũy Bán Bích, F. 2, TP.Vũng Tàu	4	15/11/2006
205	205	938209910	Trần Hoàng Hiếu	079088767216	207/19/17 Yersin, Phuong 10, TP Vung Tau, Tinh Ba Ria - Vung Tau	2	27/10/2008
206	206	253774957	Nguyễn Minh Quốc Phú	051054756052	125/28 Nguyễn Văn Tiết, P. Phước Thắng, Thành phố Hồ Chí Minh	3	17/07/2025
207	207	843582697	Nguyễn Văn Khoa	\N	474 Bà Hom, Phường Rạch Dừa, TP. Hồ Chí Minh	3	12/07/2025
208	208	801211720	Lê Sơn	079068485461	440 Do Xuan Hop, F.12, TP. Vung Tau, Tinh Ba Ria - Vung Tau	4	26/10/1997
209	209	137151390	Phạm Thị Vân	079187550129	463 Sư Vạn Hạnh, P. 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	22/12/2007
210	210	701885769	Nguyễn Nhật Sang	079068266461	410 Nguyễn Thị Minh Khai, P.2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	05/08/2000
211	211	099216748	Nguyễn Hoài Dạ	022164965401	361/17/20 Nguyễn Ảnh Thủ, Phường 1, TP. Vũng Tàu, BR-VT	2	28/02/2019
212	212	699376737	Nguyễn Văn Hồ	079079278420	108/22 Phạm Văn Chiêu, F.1, TP. Vũng Tàu, BR-VT	2	25/03/2007
213	213	765427773	Nguyễn Văn Dũng	079045065623	370 Sư Vạn Hạnh, 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	09/10/2013
214	214	740832964	Huỳnh Thanh Nhựt	\N	389/40 Nguyễn Văn Tiết, P. 12, Thành phố Vũng Tàu, BRVT	4	22/09/2020
215	215	672117123	Phùng Quốc Bách	079069897661	121 Ba Cu, Phường 1, Thành phố Vũng Tàu, BR-VT	1	11/08/2006
216	216	181101429	Tạ Ngọc Hảo	042193049151	113 Đỗ Xuân Hợp, Phường Phước Thắng, Thành phố Hồ Chí Minh	2	03/07/2025
217	217	305739693	Nguyễn Văn Hiền	012077015371	306/30 Quang Trung, P. 12, Thanh pho Vung Tau	3	16/11/2011
218	218	293535929	Nguyễn Thanh Lợi	\N	HẺM 17 AN DƯƠNG VƯƠNG, F. 2, TP.VŨNG TÀU	4	22/06/2016
219	219	093790180	Nguyễn Thanh My	079300717626	333 Võ Văn Kiệt, P. 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/09/2016
220	220	848436643	Huỳnh Kim Diệp	074184259866	189 Ba Tháng Hai, Phường 2, TP Vũng Tàu, BR-VT	2	09/03/2021
221	221	390231358	Đinh Thảo Dạ	077187326039	37/22 Pasteur, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	20/10/2009
222	222	147489761	Nguyễn Gia Luân	079201026897	418/43 Bùi Viện, Phường 2, Thành phố Vũng Tàu	4	04/11/2018
223	223	774252159	Đỗ Thị Trinh	079150667598	Số 281 Nguyễn Hữu Cảnh, 2, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	26/12/2001
224	224	025008360	Phạm Linh	079179164139	305 Nguyễn Văn Tạo, P.10, Thành phố Vũng Tàu	5	17/11/2001
225	225	058806526	Nguyễn Văn Hoan	079077592806	454/21/1 Nguyễn Văn Trỗi, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	21/09/2021
226	226	964923891	Trần Nhật Minh Nam	074075842172	313 An Duong Vuong, Phuong 12, TP. Vung Tau	1	18/09/2012
227	227	721450519	Võ Quốc Kiên	079094166117	175 Nguyễn Ảnh Thủ, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/12/2024
228	228	255114883	Nguyễn Văn Quân	079084782278	Hẻm 458 Lê Văn Việt, 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	15/12/2004
229	229	362956489	Nguyễn Kim Sương	\N	400 Nguyễn Duy Trinh Phường Rạch Dừa HCM	2	05/07/2025
230	230	300790916	Trần Văn Khôi	079078745908	Hẻm 193 Lê Văn Việt, P. 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	09/09/2002
231	231	245227000	Lê Tấn Quyết	019054065367	68 Nguyễn Chí Thanh, Phường 12, Thành phố Vũng Tàu	4	30/01/1995
232	232	310562242	Huỳnh Kim Điệp	079190064083	Số 60 Lê Văn Sỹ, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	7	22/03/2020
233	233	643037468	Đỗ Đức Danh	060093427322	Số 370 Trần Hưng Đạo, Phường 1, TP.Vũng Tàu, BR-VT	3	11/07/1995
234	234	834250428	Phạm Thị Ly	079193384645	193 Phạm Văn Chiêu, F. 10, TP Vũng Tàu, BR-VT	3	21/11/2018
235	235	128472503	Nguyễn Hữu Hưng	079047832643	Số 327 Lê Văn Sỹ, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	13/07/1999
236	236	032942286	Nguyễn Thanh Dung	\N	28 Trương Công Định, Phường 1, Thành phố Vũng Tàu	4	27/02/2020
237	237	393917473	Lê Thị Hương	079170838572	Hẻm 155 Kha Vạn Cân, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	10/04/2021
238	238	096657394	Nguyễn Minh Dũng	079045319157	Hẻm 420 Nguyễn Văn Tiết, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	06/12/2007
239	239	947879241	Võ Trung Ngân	\N	174/40 Trần Hưng Đạo, Phường 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	22/04/2010
240	240	791795599	Nguyễn Thị Gia Huệ	079170320485	243 Pasteur, P.2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	11/08/2004
241	241	568672917	Nguyễn Văn Anh	079069155071	102 Đỗ Xuân Hợp, F. 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	12/03/2001
242	242	584156864	Lưu Thanh My	046302957718	Số 213 Kha Vạn Cân, P.10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/05/1996
243	243	191692300	Võ Tấn Thanh Hậu	079047947086	302 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	1	18/06/2014
244	244	468607895	Nguyễn Khánh	079082980815	369 Nguyễn Ảnh Thủ, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	25/11/2012
245	245	149024965	Lâm Thanh Hoàng	079064936401	Hem 103 Ha Long, F.1, Thanh pho Vung Tau	4	06/10/2003
246	246	789556422	Lê Thị Thanh	074189164707	Số 121 Đỗ Xuân Hợp, Phường 10, Thành phố Vũng Tàu	1	27/01/2009
247	247	910171179	Phạm Hồng Điệp	045155515223	240 Yersin, Phường 12, TP. Vũng Tàu, BRVT	5	23/08/2021
248	248	416421731	Phạm Thị Ý	\N	Hẻm 98 Bà Hom, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	22/02/2020
249	249	841258691	Tạ Văn Thắng	074066230238	22 Pasteur, P. 1, TP. Vũng Tàu, BR-VT	3	22/12/2008
250	250	242431724	Nguyễn Văn Dương	079069755557	Hẻm 335 Yersin, Phường 12, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	17/05/2011
251	251	961506476	Nguyễn Văn Long	079056503369	232 Đỗ Xuân Hợp, Phường 10, Thành phố Vũng Tàu, BR-VT	6	22/02/2003
252	252	787910634	Lê Ngọc Tâm	020087132580	478 Đỗ Xuân Hợp, Phường Phước Thắng, TP.HCM	3	14/07/2025
253	253	523169556	Nguyễn Sơn	080065920940	273/28/18 Nguyễn Chí Thanh, Phường 12, Thành phố Vũng Tàu, BRVT	2	14/04/1996
254	254	729411621	Nguyễn Thanh Hồ	079065378002	203 Bùi Viện, Phường 2, TP Vũng Tàu, BR-VT	4	21/07/2004
255	255	583044768	Lê Văn Tiến	079068809273	392/46 Bà Hom, F. 10, Thành phố Vũng Tàu, BR-VT	4	25/04/2015
256	256	503377480	Nguyễn Ngọc Hạ	045171367394	2/29 Nguyen Van Linh, Phuong 2, TP Vung Tau, BR-VT	4	06/05/1997
257	257	028536788	Nguyễn Bảo Phượng	\N	Hẻm 31 Yersin, P.10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	05/09/2000
258	258	406368607	Phạm Văn Đức	079098153906	203 Le Van Sy, P. 12, TP. Vung Tau, Tinh Ba Ria - Vung Tau	3	07/12/2018
259	259	069514344	Nguyễn Công Đức	\N	71 Đỗ Xuân Hợp, Phường 12, TP.Vũng Tàu, BRVT	4	13/11/2024
260	260	571757550	Huỳnh Thị Tuyền	079193121928	1/9/11 Nguyễn Văn Tạo, Phường 10, Thành phố Vũng Tàu, BR-VT	2	14/09/2013
261	261	555448432	Nguyễn Xuân Lực	079068638440	474 Quang Trung, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	07/10/2005
262	262	092017196	Nguyễn Thành Kiên	079086476429	255 Pasteur, Phường Vũng Tàu, Thành phố Hồ Chí Minh	3	20/07/2025
263	263	854902353	Nguyễn Thị Hường	072177908686	390 Ba Tháng Hai Phường 2 TP Vũng Tàu BR-VT	3	08/05/2020
264	264	378863840	Phan Hữu Đệ	080053863585	90 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	01/05/2008
265	265	707893336	Phan Đức Chiến	079097471464	358B PASTEUR, PHƯỜNG 12, THÀNH PHỐ VŨNG TÀU, BRVT	1	06/07/2004
266	266	459537719	Nguyễn Nhật Quý	\N	154 Hạ Long, P. 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	5	18/02/2001
267	267	869837813	Nguyễn Công Minh	077099512584	Hẻm 474 Ba Tháng Hai, Phường 2, Thành phố Vũng Tàu	5	28/06/2012
268	268	986641545	Nguyễn Hữu Lộc	064047842058	406/25/2 AN DƯƠNG VƯƠNG, PHƯỜNG 12, TP. VŨNG TÀU, TỈNH BÀ RỊA - VŨNG TÀU	5	22/12/2019
269	269	069725357	Huỳnh Hữu Hoan	079086814679	282/20 Nguyễn Chí Thanh, F. 10, TP Vũng Tàu, BR-VT	3	31/03/2007
270	270	645396842	Phan Văn Hiệp	079062806807	392 Võ Văn Tần, Phường 2, Thành phố Vũng Tàu, BR-VT	3	30/01/2023
271	271	497315040	Nguyễn Văn Khoa	074060462537	11 Nguyễn Văn Linh, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	26/05/2005
272	272	656657112	Nguyễn Trung Nhân	024077626693	350 Nguyễn Hữu Cảnh, Phường 2, Thành phố Vũng Tàu	3	23/09/2016
273	273	925667068	Hoàng Văn Quang	075201082965	300 Mai Chí Thọ, F.12, TP. Vũng Tàu, BRVT	2	27/08/2003
274	274	607041483	Phan Hưng	079093253585	443 Phạm Văn Chiêu, Phường 10, TP Vũng Tàu	1	23/04/2024
275	275	357521980	Lê Quốc Hồ	079072595449	290/44 An Dương Vương, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	26/07/2008
276	276	621488048	Trần Trường	019052278061	152 Trần Hưng Đạo, Phường Vũng Tàu, Tp HCM	4	28/08/2025
277	277	316471991	Lê Văn Vương	\N	288/4/5 Nguyễn Chí Thanh, Phường 2, Thành phố Sũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	17/07/2012
278	278	988814805	Trần Công Long	074047215185	255 Ba Tháng Hai, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	21/04/2006
279	279	911052744	Phạm Văn Bảo	074072412558	33 Do Xuan Hop, Phuong 12, Thanh pho Vung Tau, BRVT	5	03/03/2013
280	280	874026224	Phan Minh Hiền	\N	404/37/9 Đỗ Xuân Hợp, Phường 12, Thành phố Vũng Tàu	7	02/04/2002
281	281	902593832	Nguyễn Ngọc Hà	079176974397	132/54 Lũy Bán Bích, F. 2, TP Vũng Tàu, BR-VT	7	03/02/2017
282	282	688595877	Nguyễn Thanh Khoa	\N	47 Pasteur, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	14/03/2016
283	283	764648392	Nguyễn Anh Bình	077047654423	277 Yersin, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	19/05/2019
284	284	563061669	Lê Văn Hưng	074087855823	258 Ba Cu, P. 1, Thành phố Vũng Tàu, BR-VT	5	10/05/2001
285	285	756034044	Phan Quốc Sỹ	077045544629	263/48 Nguyễn Duy Trinh, P.10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	10/08/2022
286	286	594579020	Huỳnh Khánh Mến	079147391156	335 Nguyễn Văn Tạo, F. 10, TP Vũng Tàu	3	16/08/2000
287	287	803547938	Nguyễn Hữu Định	079074299765	110/21 Đỗ Xuân Hợp, Phường 12, TP. Vũng Tàu, BRVT	2	11/11/1997
288	288	265343005	Nguyễn Thị Diệu	031184050885	35 Nguyễn Văn Tạo, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	04/10/2002
289	289	975391795	Lê Hồng Hường	\N	383/29/18 Bùi Viện, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	29/06/1999
290	290	104449960	Trương Đức Lộc	079096945683	28B Mai Chí Thọ, Phường 12, TP. Vũng Tàu, BRVT	4	12/04/2011
291	291	713792042	Lê Văn Hoàng	040058338431	285A An Duong Vuong, Phuong 2, Thanh pho Vung Tau, Tinh Ba Ria - Vung Tau	7	21/10/2014
292	292	340815809	Nguyễn Ngọc Diễm	034165131112	389 Nguyễn Thị Minh Khai, F. 2, TP.Vũng Tàu	4	29/12/2000
293	293	070928040	Trần Thành Bảo Nhật	079202911138	193 Đỗ Xuân Hợp, Phường 10, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	01/02/2011
294	294	266540794	Nguyễn Anh Lợi	\N	43 Nguyen Anh Thu, P. 1, Thanh pho Pung Tau, BR-VT	3	09/10/1997
295	295	223819695	Trần Quốc Quang	\N	400 Nguyễn Hữu Cảnh, Phường 2, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	21/03/2011
296	296	759272546	Bùi Văn Việt	079079295849	88 Sư Vạn Hạnh, Phường 12, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	23/05/2008
297	297	300233148	Lê Văn Duy	079088963985	374/13 Trương Công Định, F.1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	6	12/12/2014
298	298	681222100	Nguyễn Phương Lài	077174776723	230 Pasteur, Phường 2, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	29/06/2009
299	299	178164445	Trương Thị Na	079161881806	206 Quang Trung, P. 12, Thành phố Vũng Tàu, BRVT	2	30/01/2005
300	300	750170423	Nguyễn Ngọc Nương	\N	189/21 Yersin Phường 12 Thành phố Vũng Tàu Tỉnh Bà Rịa - Vũng Tàu	2	13/09/2002
301	301	854362379	Phan Văn Nhựt	079060255878	422/15 Đỗ Xuân Hợp, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	14/12/2005
302	302	544601205	Phan Trọng	079094013365	165/12/18 Nguyen Chi Thanh, Phuong 12, TP. Vung Tau, BRVT	5	02/08/1999
303	303	954918509	Phan Anh Lực	079061736551	462/21 Ba Cu, P. 1, Thành phố Vũng Tàu, BR-VT	5	10/05/2007
304	304	934032937	Nguyễn Anh Tuệ	020065167503	477D Pasteur, P. 12, TP. Vũng Tàu, BRVT	4	27/01/2010
305	305	339492963	Ngô Tú	\N	28A Le Van Sy, Phuong 12, Thanh pho Eung Tau, Tinh Ba Ria - Vung Tau	3	31/01/2024
306	306	566271016	Lê Thị Vân	074145569370	Hẻm 322 Nguyễn Văn Lượng, P. 1, TP. Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	07/11/2001
307	307	255756603	Nguyễn Văn Hải	\N	243/9/20 Mai Chí Thọ, Phường 12, Thành phố Vũng Tàu, BRVT	5	19/05/2004
308	308	022068965	Trần Hữu Huy	\N	95 Võ Nguyên Giáp, Phường 1, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	24/12/2011
309	309	688114436	Bùi Hữu Phúc	074045497123	116B An Dương Vương, Phường 12, Thành phố Vũng Tàu	3	29/07/2016
310	310	300747156	Bùi Văn Thiện	079065835211	239/60 Quang Trung, Phường 12, TP.Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	4	17/02/2011
311	311	345630603	Lê Văn Kim Trường	092095621186	207 Nguyễn Văn Lượng, F. 2, Thành phố Vũng Tàu	4	16/02/1996
312	312	887283894	Trần Dũng	079082619040	189 Ba Cu, P. 12, Thành phố Vũng Tàu	3	26/08/2018
313	313	434256416	Lê Thanh Lực	079086829316	435/11/16 Nguyễn Văn Tiết, Phường 10, TP Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	3	03/06/2013
314	314	378530792	Nguyễn Thị Cúc	027170397675	Số 28 Nguyễn Thị Minh Khai, Phường 10, Thành phố Vũng Tàu, BR-VT	4	02/07/2003
315	315	571757550	Huỳnh Thị Tuyền	079193121928	1/9/11 Nguyễn Văn Tạo, Phường 2, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu	2	14/09/2013
\.


ALTER TABLE ONLY "households_747"."households"
    ADD CONSTRAINT "households_pkey" PRIMARY KEY (source_pk);

-- rows: 315
