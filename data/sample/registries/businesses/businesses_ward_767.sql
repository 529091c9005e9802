--
-- wardbridge synthetic export: "businesses_ward_767"."businesses"
-- Plain SQL, load with: psql -v ON_ERROR_STOP=1 -f <file> <database>
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS "businesses_ward_767";

CREATE TABLE "businesses_ward_767"."businesses" (
    source_pk bigint NOT NULL,
    "STT" text,
    "Số giấy chứng nhận ĐKKD" text,
    "Tên doanh nghiệp/hộ KD" text,
    "Loại hình" text,
    "Mã số thuế" text,
    "Người đại diện" text,
    "Số giấy tờ người đại diện" text,
    "Địa chỉ thường trú" text,
    "Ngành nghề chính" text,
    "Ngày đăng ký" text,
    "Trạng thái" text
);

COPY "businesses_ward_767"."businesses" (source_pk, "STT", "Số giấy chứng nhận ĐKKD", "Tên doanh nghiệp/hộ KD", "Loại hình", "Mã số thuế", "Người đại diện", "Số giấy tờ người đại diện", "Địa chỉ thường trú", "Ngành nghề chính", "Ngày đăng ký", "Trạng thái") FROM stdin;
1	1	037206746583	Tiệm tóc Hạnh	Hộ kinh doanh	8003817161	Lê Minh Hạnh	037206746583	403/22 Nguyễn Văn Linh, Phường Hiệp Tân, Quận Tân Phú, TPHCM	8559	18/03/2009	Đang hoạt động
2	2	8066100793	HKD Lê Minh Hoàng Quyết	Hộ kinh doanh	8066100793	Lê Minh Hoàng Quyết	079210945890	312A Phan Đăng Lưu, P. Hiệp Tân, Quận Tân Phú, TPHCM	6201	10/01/2024	Tạm ngừng kinh doanh
3	3	8014728072	Nha thuoc Thien	Hộ kinh doanh	8014728072	Nguyễn Văn Thiện	\N	132/47 Nguyễn Tất Thành, Phường Tân Sơn Nhì, Quận Tân Phú, TP. Hồ Chí Minh	4649	15/03/2025	Đang hoạt động
4	4	8027391644	Ho kinh doanh Vo Van Bao	Hộ kinh doanh	8027391644	Võ Văn Bảo	095084742120	137/37 RỪNG SÁC, PHƯỜNG PHÚ TRUNG, Q. TÂN PHÚ, TPHCM	4722	22/12/2021	Đang hoạt động
5	5	8015770197	Nhà thuốc Minh	Hộ kinh doanh	8015770197	Vũ Quốc Minh	074084746512	1/10/5 Nguyễn Trãi, P.Phú Trung, Quận Tân Phú, Tp. Hồ Chí Minh	9602	09/05/2011	Đang hoạt động
\.


ALTER TABLE ONLY "businesses_ward_767"."businesses"
    ADD CONSTRAINT "businesses_pkey" PRIMARY KEY (source_pk);

-- rows: 5
