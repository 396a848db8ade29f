#include <zlib.h>
// inflateInit2 is a macro; expose it as a function Swift can call.
static inline int czlib_inflate_init2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
