#ifndef SPIN_CRC32_H
#define SPIN_CRC32_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU can run spin_crc32_fold (x86-64 with PCLMULQDQ and SSE4.1),
/// else 0. Executes CPUID: call once and keep the answer.
int spin_crc32_fold_supported(void);

/// Advances the CRC-32 (IEEE, reflected) register `state` over the first
/// `length & ~15` bytes of `data` by carry-less multiplication, 64 bytes a
/// step, and returns the new register. `state` is the register itself, not a
/// finished checksum: start from 0xFFFFFFFF and invert at the end. The caller
/// finishes the last `length & 15` bytes with a table. Meant for
/// `length >= 64` where spin_crc32_fold_supported(); anywhere else it is still
/// correct, one bit at a time.
uint32_t spin_crc32_fold(uint32_t state, const void *data, size_t length);

#endif
