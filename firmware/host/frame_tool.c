/*
 * Host-side driver for gait_frame.c, used by tests/test_firmware.py to prove that the C
 * encoder/decoder and the Python one agree byte for byte.
 *
 *   frame_tool encode   stdin: one frame per line, stdout: its wire bytes in hex
 *       data <seq> <t_us> <n_left> <n_right> <v0> <v1> ...
 *       ident <n_left> <n_right> <rate_hz> <adc_bits> <text without spaces>
 *   frame_tool decode   stdin: hex bytes (whitespace ignored), fed through the streaming
 *                       decoder; stdout: one line per decoded frame or error
 *       data <seq> <t_us> <n_left> <n_right> <v0> ...  |  ident ...  |  error <code>
 *
 * Build: gcc -std=c99 -Wall -Wextra -I.. -o frame_tool frame_tool.c ../gait_frame.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_frame.h"

static void print_hex(const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", buf[i]);
    printf("\n");
}

static int encode(void)
{
    char kind[16];
    uint8_t out[GF_MAX_ENCODED];
    while (scanf("%15s", kind) == 1) {
        size_t n = 0;
        if (strcmp(kind, "data") == 0) {
            gf_data_t f;
            unsigned long seq, t_us;
            unsigned nl, nr;
            if (scanf("%lu %lu %u %u", &seq, &t_us, &nl, &nr) != 4 || nl > GF_MAX_SENSORS || nr > GF_MAX_SENSORS)
                return 2;
            f.seq = (uint32_t)seq;
            f.t_us = (uint32_t)t_us;
            f.n_left = (uint8_t)nl;
            f.n_right = (uint8_t)nr;
            for (unsigned i = 0; i < nl + nr; i++) {
                unsigned v;
                if (scanf("%u", &v) != 1)
                    return 2;
                f.values[i] = (uint16_t)v;
            }
            n = gf_encode_data(&f, out);
        } else if (strcmp(kind, "ident") == 0) {
            gf_ident_t id;
            unsigned nl, nr, rate, bits;
            if (scanf("%u %u %u %u %64s", &nl, &nr, &rate, &bits, id.text) != 5)
                return 2;
            id.n_left = (uint8_t)nl;
            id.n_right = (uint8_t)nr;
            id.rate_hz = (uint16_t)rate;
            id.adc_bits = (uint8_t)bits;
            n = gf_encode_ident(&id, out);
        } else {
            return 2;
        }
        if (n == 0)
            return 3;
        print_hex(out, n);
    }
    return 0;
}

static int decode(void)
{
    gf_decoder_t dec;
    gf_frame_t frame;
    unsigned byte;
    gf_decoder_init(&dec);
    while (scanf("%2x", &byte) == 1) {
        int r = gf_decoder_push(&dec, (uint8_t)byte, &frame);
        if (r == GF_TYPE_DATA) {
            const gf_data_t *f = &frame.u.data;
            printf("data %lu %lu %u %u", (unsigned long)f->seq, (unsigned long)f->t_us, f->n_left, f->n_right);
            for (unsigned i = 0; i < (unsigned)f->n_left + f->n_right; i++)
                printf(" %u", f->values[i]);
            printf("\n");
        } else if (r == GF_TYPE_IDENT) {
            const gf_ident_t *id = &frame.u.ident;
            printf("ident %u %u %u %u %s\n", id->n_left, id->n_right, id->rate_hz, id->adc_bits, id->text);
        } else if (r < 0) {
            printf("error %d\n", r);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "encode") == 0)
        return encode();
    if (argc == 2 && strcmp(argv[1], "decode") == 0)
        return decode();
    fprintf(stderr, "usage: frame_tool encode|decode < input\n");
    return 1;
}
