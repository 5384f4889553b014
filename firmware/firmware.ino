/*
 * gait pressure insole firmware: force-sensitive resistors under each foot, read through
 * the ADC (directly or via a CD74HC4067 16-channel multiplexer per foot), streamed to the
 * host as COBS/CRC frames (PROTOCOL.md) or as text lines for a serial monitor.
 *
 * Boards: ESP32 (12-bit ADC) or an AVR Arduino (10-bit ADC). Wiring and calibration:
 * README.md. Host commands (single bytes): ? ident, g start, s stop, b binary, t text,
 * r<hz>\n set the sampling rate (100..1000 Hz).
 */
#include <Arduino.h>

extern "C" {
#include "gait_frame.h"
}

/* ---- configuration ------------------------------------------------------------------ */

#define FW_VERSION "1.0.0"
#define N_LEFT 16           /* sensors per foot, at most 16 with one mux per foot */
#define N_RIGHT 16
#define USE_MUX 1           /* 1: CD74HC4067 per foot; 0: one ADC pin per sensor */
#define DEFAULT_RATE_HZ 500 /* 100..1000; see README for what each board sustains */
#define SERIAL_BAUD 1000000
#define TEXT_LINES_PER_S 20 /* text mode is for eyes: it prints every k-th frame */
#define MUX_SETTLE_US 5     /* CD74HC4067 switching + FSR divider settling */

#if USE_MUX && (N_LEFT > 16 || N_RIGHT > 16)
#error "one CD74HC4067 per foot carries at most 16 sensors"
#endif
#if !USE_MUX && (N_LEFT > 4 || N_RIGHT > 4)
#error "direct wiring has 4 ADC pins per foot listed below; add pins or use the mux"
#endif

#if defined(ESP32)
#define BOARD_NAME "esp32"
#define ADC_BITS 12
static const uint8_t MUX_SELECT[4] = {25, 26, 27, 14}; /* S0..S3, shared by both muxes */
static const uint8_t MUX_SIG_LEFT = 34;                /* ADC1 pins: usable with WiFi on */
static const uint8_t MUX_SIG_RIGHT = 35;
static const uint8_t DIRECT_LEFT[] = {32, 33, 34, 35};
static const uint8_t DIRECT_RIGHT[] = {36, 39, 4, 13}; /* 4, 13 are ADC2: no WiFi */
#else
#define BOARD_NAME "avr"
#define ADC_BITS 10
static const uint8_t MUX_SELECT[4] = {2, 3, 4, 5};
static const uint8_t MUX_SIG_LEFT = A0;
static const uint8_t MUX_SIG_RIGHT = A1;
static const uint8_t DIRECT_LEFT[] = {A0, A1, A2, A3};
static const uint8_t DIRECT_RIGHT[] = {A4, A5, A6, A7};
#endif

/* ---- state -------------------------------------------------------------------------- */

static bool streaming = false;
static bool text_mode = false;
static uint16_t rate_hz = DEFAULT_RATE_HZ;
static uint32_t period_us = 1000000UL / DEFAULT_RATE_HZ;
static uint32_t next_us = 0;
static uint32_t seq = 0;
static char rate_digits[6];
static uint8_t rate_len = 0;
static bool reading_rate = false;

static gf_data_t frame;
static uint8_t wire[GF_MAX_ENCODED];

static void select_channel(uint8_t ch)
{
    for (uint8_t b = 0; b < 4; b++)
        digitalWrite(MUX_SELECT[b], (ch >> b) & 1);
    delayMicroseconds(MUX_SETTLE_US);
}

static void scan(uint16_t *values)
{
#if USE_MUX
    for (uint8_t ch = 0; ch < 16; ch++) {
        if (ch >= N_LEFT && ch >= N_RIGHT)
            break;
        select_channel(ch);
        if (ch < N_LEFT)
            values[ch] = analogRead(MUX_SIG_LEFT);
        if (ch < N_RIGHT)
            values[N_LEFT + ch] = analogRead(MUX_SIG_RIGHT);
    }
#else
    for (uint8_t i = 0; i < N_LEFT; i++)
        values[i] = analogRead(DIRECT_LEFT[i]);
    for (uint8_t i = 0; i < N_RIGHT; i++)
        values[N_LEFT + i] = analogRead(DIRECT_RIGHT[i]);
#endif
}

static void send_ident(void)
{
    if (text_mode) {
        Serial.print("GAIT-INSOLE v1 left=");
        Serial.print(N_LEFT);
        Serial.print(" right=");
        Serial.print(N_RIGHT);
        Serial.print(" rate=");
        Serial.print(rate_hz);
        Serial.print(" adc=");
        Serial.print(ADC_BITS);
        Serial.println(" fw=" FW_VERSION " board=" BOARD_NAME);
        return;
    }
    gf_ident_t id;
    id.n_left = N_LEFT;
    id.n_right = N_RIGHT;
    id.rate_hz = rate_hz;
    id.adc_bits = ADC_BITS;
    strncpy(id.text, "gait-insole fw=" FW_VERSION " board=" BOARD_NAME, GF_IDENT_TEXT_MAX);
    id.text[GF_IDENT_TEXT_MAX] = '\0';
    Serial.write(wire, gf_encode_ident(&id, wire));
}

static void send_text(const gf_data_t *f)
{
    Serial.print('#');
    Serial.print((unsigned long)f->seq);
    Serial.print(" t=");
    Serial.print((unsigned long)f->t_us);
    Serial.print("us L");
    for (uint8_t i = 0; i < N_LEFT; i++) {
        Serial.print(' ');
        Serial.print(f->values[i]);
    }
    Serial.print(" R");
    for (uint8_t i = 0; i < N_RIGHT; i++) {
        Serial.print(' ');
        Serial.print(f->values[N_LEFT + i]);
    }
    Serial.println();
}

static void set_rate(uint32_t hz)
{
    if (hz < 100 || hz > 1000)
        return; /* out of range: keep the current rate; the ident tells the host which */
    rate_hz = (uint16_t)hz;
    period_us = 1000000UL / hz;
}

static void handle_command(uint8_t c)
{
    if (reading_rate) {
        if (c >= '0' && c <= '9' && rate_len < sizeof rate_digits - 1) {
            rate_digits[rate_len++] = (char)c;
            return;
        }
        rate_digits[rate_len] = '\0';
        reading_rate = false;
        set_rate(strtoul(rate_digits, NULL, 10));
        if (c == '\n' || c == '\r')
            return;
    }
    switch (c) {
    case '?': send_ident(); break;
    case 'g':
        streaming = true;
        seq = 0;
        next_us = micros();
        break;
    case 's': streaming = false; break;
    case 'b': text_mode = false; break;
    case 't': text_mode = true; break;
    case 'r':
        reading_rate = true;
        rate_len = 0;
        break;
    default: break; /* anything else (line endings from a serial monitor) is ignored */
    }
}

void setup()
{
    Serial.begin(SERIAL_BAUD);
#if USE_MUX
    for (uint8_t b = 0; b < 4; b++)
        pinMode(MUX_SELECT[b], OUTPUT);
#endif
#if defined(ESP32)
    analogReadResolution(ADC_BITS);
    analogSetAttenuation(ADC_11db); /* full 0..3.3 V range for the divider output */
#endif
    frame.n_left = N_LEFT;
    frame.n_right = N_RIGHT;
}

void loop()
{
    while (Serial.available() > 0)
        handle_command((uint8_t)Serial.read());
    if (!streaming || (int32_t)(micros() - next_us) < 0)
        return;
    /* Deadlines advance by whole periods, so the mean rate does not drift even when one
     * scan runs late; a board too slow for the rate falls behind and the host sees the
     * true rate in the timestamps. */
    next_us += period_us;
    frame.t_us = micros();
    frame.seq = seq++;
    scan(frame.values);
    if (!text_mode) {
        Serial.write(wire, gf_encode_data(&frame, wire));
    } else {
        uint32_t every = rate_hz / TEXT_LINES_PER_S;
        if (every == 0 || frame.seq % every == 0)
            send_text(&frame);
    }
}
