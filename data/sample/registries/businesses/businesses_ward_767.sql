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
1	1	41M8015633	Tiem toc Son	Hộ kinh doanh	8021730509	Phan Văn Sơn	079098170237	149 Pasteur, Phường Sơn Kỳ, Quận Tân Phú, TP Hồ Chí Minh	5630	30/09/2010	Đang hoạt động
2	2	41P8959558	Tap hoa Binh	Hộ kinh doanh	8076468025	Võ Thị Bình	079180672855	175/56 Hồng Bàng, P. Hiệp Tân, Quận Tân Phú, TP Hồ Chí Minh	4771	05/01/2021	Đang hoạt động
3	3	8038322191	Tiem toc Loan	Hộ kinh doanh	8038322191	Tô Ngọc Loan	084161290554	360/32/4 Nguyễn Huệ, P. Phú Trung, Q. Tân Phú, TPHCM	4101	27/06/2013	Đang hoạt động
\.


ALTER TABLE ONLY "businesses_ward_767"."businesses"
    ADD CONSTRAINT "businesses_pkey" PRIMARY KEY (source_pk);

-- rows: 3
