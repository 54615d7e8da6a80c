// The ICU and zlib side of CICU.h. See the header for why this shim exists.
#include "CICU.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>
#include <zlib.h>

#include "t2s_table.h"

// MARK: Word break iterator

struct cicu_breaker {
    UBreakIterator *bi;
};

cicu_breaker *cicu_breaker_open(void) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status) || bi == NULL) return NULL;
    cicu_breaker *b = malloc(sizeof *b);
    if (!b) { ubrk_close(bi); return NULL; }
    b->bi = bi;
    return b;
}

void cicu_breaker_close(cicu_breaker *b) {
    if (!b) return;
    ubrk_close(b->bi);
    free(b);
}

int32_t cicu_breaker_words(cicu_breaker *b, const uint16_t *text, int32_t length,
                           int32_t *starts, int32_t *ends, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(b->bi, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return INT32_MIN;
    int32_t count = 0;
    int32_t start = ubrk_first(b->bi);
    for (int32_t end = ubrk_next(b->bi); end != UBRK_DONE; start = end, end = ubrk_next(b->bi)) {
        if (ubrk_getRuleStatus(b->bi) == UBRK_WORD_NONE) continue;  // spaces, punctuation
        if (count < capacity) { starts[count] = start; ends[count] = end; }
        count++;
    }
    // Detach the caller's buffer so the iterator never outlives it.
    ubrk_setText(b->bi, (const UChar *)u"", 0, &status);
    return count <= capacity ? count : -count;
}

int64_t cicu_breaker_count(cicu_breaker *b, const uint16_t *text, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(b->bi, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    int64_t count = 0;
    for (int32_t p = ubrk_first(b->bi); p != UBRK_DONE; p = ubrk_next(b->bi)) {
        if (ubrk_getRuleStatus(b->bi) != UBRK_WORD_NONE) count++;
    }
    ubrk_setText(b->bi, (const UChar *)u"", 0, &status);
    return count;
}

// MARK: Folding

static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static const UNormalizer2 *nfkc_cf;

// Cache of single-code-point folds: 0 = not computed yet; 1 = "expands to several code points,
// recompute"; otherwise (result + 2). Covers the BMP and the supplementary ideographic planes.
#define FOLD_CACHE_SIZE 0x40000
static _Atomic uint32_t fold_cache[FOLD_CACHE_SIZE];

static void fold_init(void) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf = unorm2_getNFKCCasefoldInstance(&status);
    if (U_FAILURE(status)) nfkc_cf = NULL;
}

// Traditional→Simplified of one code point, from the generated table (binary search).
static UChar32 t2s(UChar32 c) {
    if (c < 0x2E80) return c;
    int32_t lo = 0, hi = cicu_t2s_count;
    while (lo < hi) {
        int32_t mid = (lo + hi) / 2;
        if ((UChar32)cicu_t2s_pairs[mid][0] < c) lo = mid + 1; else hi = mid;
    }
    return lo < cicu_t2s_count && (UChar32)cicu_t2s_pairs[lo][0] == c ? (UChar32)cicu_t2s_pairs[lo][1] : c;
}

uint32_t cicu_t2s_live(uint32_t c) {
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static UTransliterator *live;
    pthread_mutex_lock(&lock);
    if (!live) {
        UErrorCode status = U_ZERO_ERROR;
        UChar id[32];
        u_uastrcpy(id, "Traditional-Simplified");
        live = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
        if (U_FAILURE(status)) live = NULL;
    }
    uint32_t result = c;
    if (live) {
        UChar buf[16];
        int32_t len = 0;
        U16_APPEND_UNSAFE(buf, len, (UChar32)c);
        int32_t limit = len;
        UErrorCode status = U_ZERO_ERROR;
        utrans_transUChars(live, buf, &len, 16, 0, &limit, &status);
        UChar32 d;
        int32_t i = 0;
        if (U_SUCCESS(status)) {
            U16_NEXT(buf, i, len, d);
            if (i == len) result = (uint32_t)d;
        }
    }
    pthread_mutex_unlock(&lock);
    return result;
}

uint32_t cicu_t2s_table(uint32_t c) { return (uint32_t)t2s((UChar32)c); }

// Full fold of a UTF-16 chunk: NFKC_Casefold, then Traditional-Simplified per code point.
static int32_t fold_uncached(const UChar *src, int32_t length, UChar *dst, int32_t capacity) {
    pthread_once(&fold_once, fold_init);
    UChar norm[64];
    int32_t n;
    if (nfkc_cf) {
        UErrorCode status = U_ZERO_ERROR;
        n = unorm2_normalize(nfkc_cf, src, length, norm, 64, &status);
        if (U_FAILURE(status)) return -1;
    } else {
        if (length > 64) return -1;
        memcpy(norm, src, (size_t)length * sizeof(UChar));
        n = length;
    }
    // Traditional→Simplified one code point at a time, so the result never depends on context
    // (a query and a document fold each character identically).
    int32_t out = 0;
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U16_NEXT(norm, i, n, c);
        c = t2s(c);
        if (out + U16_LENGTH(c) > capacity) return -1;
        U16_APPEND_UNSAFE(dst, out, c);
    }
    return out;
}

int32_t cicu_fold_chunk(const uint16_t *src, int32_t length, uint16_t *dst, int32_t capacity) {
    return fold_uncached((const UChar *)src, length, (UChar *)dst, capacity);
}

int32_t cicu_fold_char(uint32_t c, uint32_t *out, int32_t capacity) {
    if (capacity < 1) return -1;
    if (c < FOLD_CACHE_SIZE) {
        uint32_t cached = atomic_load_explicit(&fold_cache[c], memory_order_relaxed);
        if (cached >= 2) { out[0] = cached - 2; return 1; }
    }
    UChar src[2], dst[64];
    int32_t len = 0;
    U16_APPEND_UNSAFE(src, len, (UChar32)c);
    int32_t n = fold_uncached(src, len, dst, 64);
    if (n < 0) { out[0] = c; return 1; }
    int32_t count = 0;
    for (int32_t i = 0; i < n && count < capacity;) {
        UChar32 d;
        U16_NEXT(dst, i, n, d);
        out[count++] = (uint32_t)d;
    }
    if (c < FOLD_CACHE_SIZE) {
        uint32_t value = count == 1 ? out[0] + 2 : 1;
        atomic_store_explicit(&fold_cache[c], value, memory_order_relaxed);
    }
    return count;
}

int32_t cicu_boundary_before(uint32_t c) {
    pthread_once(&fold_once, fold_init);
    if (!nfkc_cf) return 1;
    return unorm2_hasBoundaryBefore(nfkc_cf, (UChar32)c) ? 1 : 0;
}

// MARK: Charset detection and conversion

int32_t cicu_detect_charsets(const char *bytes, int32_t length, char *names, int32_t nameStride,
                             int32_t *confidences, int32_t max) {
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&status);
    if (U_FAILURE(status)) return -1;
    ucsdet_setText(det, bytes, length, &status);
    int32_t found = 0;
    const UCharsetMatch **matches = ucsdet_detectAll(det, &found, &status);
    if (U_FAILURE(status)) { ucsdet_close(det); return 0; }  // nothing recognisable
    int32_t count = 0;
    for (int32_t i = 0; i < found && count < max; i++) {
        UErrorCode s = U_ZERO_ERROR;
        const char *name = ucsdet_getName(matches[i], &s);
        int32_t conf = ucsdet_getConfidence(matches[i], &s);
        if (U_FAILURE(s) || !name) continue;
        strncpy(names + (size_t)count * (size_t)nameStride, name, (size_t)nameStride - 1);
        names[(size_t)count * (size_t)nameStride + (size_t)nameStride - 1] = 0;
        confidences[count] = conf;
        count++;
    }
    ucsdet_close(det);
    return count;
}

static UConverter *open_strict(const char *charset) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(charset, &status);
    if (U_FAILURE(status)) return NULL;
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    if (U_FAILURE(status)) { ucnv_close(cnv); return NULL; }
    return cnv;
}

int32_t cicu_convert_to_utf16(const char *charset, const char *bytes, int32_t length,
                              uint16_t *dst, int32_t capacity) {
    UConverter *cnv = open_strict(charset);
    if (!cnv) return INT32_MIN;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = ucnv_toUChars(cnv, (UChar *)dst, capacity, bytes, length, &status);
    ucnv_close(cnv);
    if (status == U_BUFFER_OVERFLOW_ERROR) return -n;
    if (U_FAILURE(status)) return INT32_MIN;
    return n;
}

int32_t cicu_convert_from_utf16(const char *charset, const uint16_t *src, int32_t length,
                                char *dst, int32_t capacity) {
    UConverter *cnv = open_strict(charset);
    if (!cnv) return INT32_MIN;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = ucnv_fromUChars(cnv, dst, capacity, (const UChar *)src, length, &status);
    ucnv_close(cnv);
    if (status == U_BUFFER_OVERFLOW_ERROR) return -n;
    if (U_FAILURE(status)) return INT32_MIN;
    return n;
}

// MARK: zlib

uint32_t cicu_crc32(uint32_t crc, const void *bytes, size_t length) {
    const unsigned char *p = bytes;
    uLong c = crc;
    while (length > 0) {
        uInt chunk = length > 0x40000000 ? 0x40000000 : (uInt)length;
        c = crc32(c, p, chunk);
        p += chunk;
        length -= chunk;
    }
    return (uint32_t)c;
}

size_t cicu_deflate_bound(size_t length) { return (size_t)compressBound((uLong)length); }

int64_t cicu_deflate(const void *src, size_t length, void *dst, size_t capacity) {
    uLongf out = (uLongf)capacity;
    if (compress2(dst, &out, src, (uLong)length, 6) != Z_OK) return -1;
    return (int64_t)out;
}

int64_t cicu_inflate(const void *src, size_t length, void *dst, size_t expected) {
    uLongf out = (uLongf)expected;
    if (uncompress(dst, &out, src, (uLong)length) != Z_OK || out != expected) return -1;
    return (int64_t)out;
}
