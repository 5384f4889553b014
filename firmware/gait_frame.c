/* gait insole wire protocol v1: see gait_frame.h and PROTOCOL.md. */
#include "gait_frame.h"

#include <string.h>

uint16_t gf_crc16(const uint8_t *data, size_t len)
{
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)data[i] << 8;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

size_t gf_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst)
{
    size_t code_at = 0; /* where the current block's code byte goes */
    size_t out = 1;
    uint8_t code = 1;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == 0) {
            dst[code_at] = code;
            code_at = out++;
            code = 1;
            continue;
        }
        dst[out++] = src[i];
        if (++code == 0xFF) { /* a full block of 254 data bytes, no implied zero */
            dst[code_at] = code;
            code_at = out++;
            code = 1;
        }
    }
    dst[code_at] = code;
    return out;
}

int gf_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap)
{
    size_t i = 0, out = 0;
    while (i < len) {
        uint8_t code = src[i++];
        if (code == 0 || i + code - 1 > len)
            return -1;
        for (uint8_t k = 1; k < code; k++) {
            if (src[i] == 0 || out >= dst_cap)
                return -1;
            dst[out++] = src[i++];
        }
        if (code != 0xFF && i < len) {
            if (out >= dst_cap)
                return -1;
            dst[out++] = 0;
        }
    }
    return (int)out;
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFF);
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Append the CRC to payload[0..len), COBS-encode, terminate with 0x00. */
static size_t seal(uint8_t *payload, size_t len, uint8_t *out)
{
    put_u16(payload + len, gf_crc16(payload, len));
    size_t n = gf_cobs_encode(payload, len + GF_CRC_SIZE, out);
    out[n++] = 0x00;
    return n;
}

size_t gf_encode_data(const gf_data_t *f, uint8_t *out)
{
    uint8_t payload[GF_MAX_PAYLOAD];
    if (f->n_left > GF_MAX_SENSORS || f->n_right > GF_MAX_SENSORS)
        return 0;
    size_t n = (size_t)f->n_left + f->n_right;
    payload[0] = GF_VERSION;
    payload[1] = GF_TYPE_DATA;
    payload[2] = f->n_left;
    payload[3] = f->n_right;
    put_u32(payload + 4, f->seq);
    put_u32(payload + 8, f->t_us);
    for (size_t i = 0; i < n; i++)
        put_u16(payload + GF_DATA_HEADER + 2 * i, f->values[i]);
    return seal(payload, GF_DATA_HEADER + 2 * n, out);
}

size_t gf_encode_ident(const gf_ident_t *id, uint8_t *out)
{
    uint8_t payload[GF_IDENT_HEADER + GF_IDENT_TEXT_MAX + GF_CRC_SIZE];
    size_t k = strlen(id->text);
    if (k > GF_IDENT_TEXT_MAX)
        return 0;
    payload[0] = GF_VERSION;
    payload[1] = GF_TYPE_IDENT;
    payload[2] = id->n_left;
    payload[3] = id->n_right;
    put_u16(payload + 4, id->rate_hz);
    payload[6] = id->adc_bits;
    payload[7] = (uint8_t)k;
    memcpy(payload + GF_IDENT_HEADER, id->text, k);
    return seal(payload, GF_IDENT_HEADER + k, out);
}

int gf_decode(const uint8_t *enc, size_t len, gf_frame_t *out)
{
    uint8_t p[GF_MAX_PAYLOAD];
    if (len > GF_MAX_ENCODED)
        return GF_ERR_COBS;
    int n = gf_cobs_decode(enc, len, p, sizeof p);
    if (n < 0)
        return GF_ERR_COBS;
    if (n < 4 + GF_CRC_SIZE)
        return GF_ERR_FORMAT;
    size_t body = (size_t)n - GF_CRC_SIZE;
    if (gf_crc16(p, body) != get_u16(p + body))
        return GF_ERR_CRC;
    if (p[0] != GF_VERSION)
        return GF_ERR_FORMAT;
    if (p[1] == GF_TYPE_DATA) {
        gf_data_t *f = &out->u.data;
        size_t count = (size_t)p[2] + p[3];
        if (p[2] > GF_MAX_SENSORS || p[3] > GF_MAX_SENSORS || body != GF_DATA_HEADER + 2 * count)
            return GF_ERR_FORMAT;
        out->type = GF_TYPE_DATA;
        f->n_left = p[2];
        f->n_right = p[3];
        f->seq = get_u32(p + 4);
        f->t_us = get_u32(p + 8);
        for (size_t i = 0; i < count; i++)
            f->values[i] = get_u16(p + GF_DATA_HEADER + 2 * i);
        return GF_TYPE_DATA;
    }
    if (p[1] == GF_TYPE_IDENT) {
        gf_ident_t *id = &out->u.ident;
        if (body < GF_IDENT_HEADER || p[7] > GF_IDENT_TEXT_MAX || body != (size_t)GF_IDENT_HEADER + p[7])
            return GF_ERR_FORMAT;
        out->type = GF_TYPE_IDENT;
        id->n_left = p[2];
        id->n_right = p[3];
        id->rate_hz = get_u16(p + 4);
        id->adc_bits = p[6];
        memcpy(id->text, p + GF_IDENT_HEADER, p[7]);
        id->text[p[7]] = '\0';
        return GF_TYPE_IDENT;
    }
    return GF_ERR_FORMAT;
}

void gf_decoder_init(gf_decoder_t *dec)
{
    dec->len = 0;
    dec->overflow = 0;
}

int gf_decoder_push(gf_decoder_t *dec, uint8_t byte, gf_frame_t *out)
{
    if (byte != 0x00) {
        if (dec->len < sizeof dec->buf)
            dec->buf[dec->len++] = byte;
        else
            dec->overflow = 1;
        return 0;
    }
    size_t len = dec->len;
    int overflow = dec->overflow;
    gf_decoder_init(dec);
    if (len == 0)
        return 0;
    if (overflow)
        return GF_ERR_COBS;
    return gf_decode(dec->buf, len, out);
}
