// CRC-32 by folding with carry-less multiplication: V. Gopal et al., "Fast CRC
// Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009),
// with the bit-reflected constants for the IEEE polynomial that zlib, Linux and
// Chromium use. The journal checksums every byte of kernel output: with the tables
// alone (CRC32.swift) that was 13 % of the executor's CPU samples while a cell
// streamed 100 MB, folded it is 4 % (bench/findings.md, scenario 2).
#include "spin_crc32.h"

/// The definition, one bit at a time: for calls the folding cannot take.
static uint32_t bitwise(uint32_t state, const uint8_t *data, size_t length) {
    for (size_t i = 0; i < length; i++) {
        state ^= data[i];
        for (int bit = 0; bit < 8; bit++) state = (state >> 1) ^ (0xEDB88320u & (0u - (state & 1u)));
    }
    return state;
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int spin_crc32_fold_supported(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_PCLMUL) != 0 && (ecx & bit_SSE4_1) != 0;
}

#define FOLD_TARGET __attribute__((target("pclmul,sse4.1")))

/// (x.low × k.low) ⊕ (x.high × k.high) ⊕ next: moves x 128 or 512 bits on.
FOLD_TARGET static inline __m128i fold(__m128i x, __m128i k, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i high = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

FOLD_TARGET static uint32_t fold_all(uint32_t state, const uint8_t *data, size_t length) {
    // x^(4·128+32), x^(4·128−32) mod P: four lanes 512 bits on.
    const __m128i by512 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
    // x^(128+32), x^(128−32) mod P: one lane 128 bits on.
    const __m128i by128 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
    // x^64 mod P, then P and its Barrett constant µ.
    const __m128i by64 = _mm_set_epi64x(0, 0x0163cd6124);
    const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
    const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);

    const __m128i *in = (const __m128i *)data;
    size_t blocks = length / 16;
    __m128i x1 = _mm_xor_si128(_mm_loadu_si128(in), _mm_cvtsi32_si128((int)state));
    __m128i x2 = _mm_loadu_si128(in + 1);
    __m128i x3 = _mm_loadu_si128(in + 2);
    __m128i x4 = _mm_loadu_si128(in + 3);
    size_t next = 4;
    for (; next + 4 <= blocks; next += 4) {
        x1 = fold(x1, by512, _mm_loadu_si128(in + next));
        x2 = fold(x2, by512, _mm_loadu_si128(in + next + 1));
        x3 = fold(x3, by512, _mm_loadu_si128(in + next + 2));
        x4 = fold(x4, by512, _mm_loadu_si128(in + next + 3));
    }
    x1 = fold(x1, by128, x2);
    x1 = fold(x1, by128, x3);
    x1 = fold(x1, by128, x4);
    for (; next < blocks; next++) x1 = fold(x1, by128, _mm_loadu_si128(in + next));

    // 128 bits to 96 (the low half times x^(128-32)), then 96 to 64.
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), _mm_clmulepi64_si128(x1, by128, 0x10));
    __m128i upper = _mm_srli_si128(x1, 4);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, low32), by64, 0x00), upper);

    // Barrett reduction to 32 bits.
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x1, low32), poly, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), poly, 0x00);
    x1 = _mm_xor_si128(x1, t);
    return (uint32_t)_mm_extract_epi32(x1, 1);
}

uint32_t spin_crc32_fold(uint32_t state, const void *data, size_t length) {
    size_t folded = length & ~(size_t)15;
    // CPUID once (it traps to the hypervisor in a VM); racing callers store the same answer.
    static int supported = -1;
    int known = __atomic_load_n(&supported, __ATOMIC_RELAXED);
    if (known < 0) {
        known = spin_crc32_fold_supported();
        __atomic_store_n(&supported, known, __ATOMIC_RELAXED);
    }
    if (length < 64 || !known) return bitwise(state, data, folded);
    return fold_all(state, data, folded);
}

#else

int spin_crc32_fold_supported(void) { return 0; }

uint32_t spin_crc32_fold(uint32_t state, const void *data, size_t length) {
    return bitwise(state, data, length & ~(size_t)15);
}

#endif
