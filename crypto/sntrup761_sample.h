// Turning random 32-bit words into sntrup761's random polynomials (the
// specification's Small_random and Short_random, after urandom32 has drawn
// the words). Pure functions, so known-answer tests and the unit tests feed
// them chosen words.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/sntrup761_params.h"

namespace lpsshd::crypto::sntrup761 {

using RandomWords = std::array<uint32_t, kP>;

// Reads the words as the reference does: 4 bytes each, little-endian.
void words_from_bytes(RandomWords& out, std::span<const uint8_t, 4 * kP> bytes);

// Each coefficient from one word, (((word mod 2^30) * 3) >> 30) - 1: nearly
// uniform on -1, 0, 1.
void small_from_words(Small& out, const RandomWords& words);

// A short polynomial (weight exactly w): the first w words get a nonzero
// coefficient (bit 0 cleared: -1 or 1 by bit 1), the rest zero (low bits
// 01); sorting the words shuffles the coefficients by the words' high bits
// (the specification's Short_fromlist). The sort is a fixed network, so
// nothing about the order leaks.
void short_from_words(Small& out, const RandomWords& words);

// Sorts ascending with a data-independent sequence of compare-exchanges.
// Exposed for the unit test.
void sort_constant_time(std::span<uint32_t, kP> values);

}  // namespace lpsshd::crypto::sntrup761
