/*
 * gait insole wire protocol, version 1: frame encoder and decoder in plain C.
 *
 * Shared by the firmware sketch (firmware.ino) and the host test program
 * (host/frame_tool.c), so the bytes the board writes are the bytes the Python
 * reader (src/gait/capture/protocol.py) is tested against. The byte layout is
 * written down in PROTOCOL.md; keep the two in step.
 *
 * No dynamic memory, no floating point, C99.
 */
#ifndef GAIT_FRAME_H
#define GAIT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GF_VERSION 1
#define GF_TYPE_DATA 0x01
#define GF_TYPE_IDENT 0x02

/* Sensors per foot; the wire format allows 255, the buffers here stop at 64. */
#define GF_MAX_SENSORS 64
#define GF_IDENT_TEXT_MAX 64

#define GF_DATA_HEADER 12 /* version, type, n_left, n_right, seq u32, t_us u32 */
#define GF_IDENT_HEADER 8 /* version, type, n_left, n_right, rate u16, adc_bits, text length */
#define GF_CRC_SIZE 2

#define GF_MAX_PAYLOAD (GF_DATA_HEADER + 2 * 2 * GF_MAX_SENSORS + GF_CRC_SIZE)
/* COBS adds one byte per started 254-byte block, plus the 0x00 delimiter. */
#define GF_MAX_ENCODED (GF_MAX_PAYLOAD + GF_MAX_PAYLOAD / 254 + 2)

/* Decoder results (negative = the frame was dropped). */
#define GF_ERR_COBS (-1)   /* not valid COBS, or longer than any frame */
#define GF_ERR_CRC (-2)    /* CRC mismatch */
#define GF_ERR_FORMAT (-3) /* unknown version/type or a length that does not fit */

typedef struct {
    uint8_t n_left;
    uint8_t n_right;
    uint32_t seq;  /* frame counter since the last start command; a gap = lost frames */
    uint32_t t_us; /* device clock in microseconds, wraps at 2^32 */
    uint16_t values[2 * GF_MAX_SENSORS]; /* left 0..n_left-1, then right */
} gf_data_t;

typedef struct {
    uint8_t n_left;
    uint8_t n_right;
    uint16_t rate_hz;
    uint8_t adc_bits;
    char text[GF_IDENT_TEXT_MAX + 1]; /* NUL-terminated ASCII, e.g. "gait-insole fw=1.0.0 board=esp32" */
} gf_ident_t;

typedef struct {
    uint8_t type; /* GF_TYPE_DATA or GF_TYPE_IDENT */
    union {
        gf_data_t data;
        gf_ident_t ident;
    } u;
} gf_frame_t;

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor ("123456789" -> 0x29B1). */
uint16_t gf_crc16(const uint8_t *data, size_t len);

/* COBS without the delimiter. encode: dst holds len + len/254 + 1 bytes. decode: -1 on invalid input. */
size_t gf_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst);
int gf_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap);

/* Whole frames on the wire: COBS(payload + CRC) followed by 0x00. Returns the byte count
 * written to out (at most GF_MAX_ENCODED), 0 if the frame does not fit the limits. */
size_t gf_encode_data(const gf_data_t *frame, uint8_t *out);
size_t gf_encode_ident(const gf_ident_t *ident, uint8_t *out);

/* Decode one frame given its bytes between delimiters (no 0x00). Returns the frame type
 * or a GF_ERR_* code. */
int gf_decode(const uint8_t *enc, size_t len, gf_frame_t *out);

/* Streaming decoder: feed bytes one at a time; resynchronises on every 0x00. */
typedef struct {
    uint8_t buf[GF_MAX_ENCODED];
    size_t len;
    uint8_t overflow;
} gf_decoder_t;

void gf_decoder_init(gf_decoder_t *dec);
/* Returns 0 while a frame is incomplete (or on empty frames between delimiters), the frame
 * type when one was decoded into out, or a GF_ERR_* code when a frame was dropped. */
int gf_decoder_push(gf_decoder_t *dec, uint8_t byte, gf_frame_t *out);

#ifdef __cplusplus
}
#endif

#endif /* GAIT_FRAME_H */
