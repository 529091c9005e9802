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
1	1	079052549662	HKD Nguyễn Minh Phong	Hộ kinh doanh	8005047620	Nguyễn Minh Phong	079052549662	434/52 Hùng Vương, P. Phú Trung, Quận Tân Phú	4722	30/01/2024	Đang hoạt động
2	2	41C8815600	Qua pho Khoi	Hộ kinh doanh	\N	Trần Quốc Khôi	079069933412	58/41 Đồng Khởi, Phường Hiệp Tân, Quận Tân Phú, TP Hồ Chí Minh	6810	20/02/2011	Đang hoạt động
3	3	8063050958	Tạp hóa Quý	Hộ kinh doanh	8013050958	Lê Minh Quý	\N	376 Nguyễn Oanh, Phường Phú Trung, Quận Tân Phú, Tp. Hồ Chí Minh	4711	03/02/2019	Đang hoạt động
\.


ALTER TABLE ONLY "businesses_ward_767"."businesses"
    ADD CONSTRAINT "businesses_pkey" PRIMARY KEY (source_pk);

-- rows: 3
