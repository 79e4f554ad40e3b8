#ifndef SCHEDTUI_CPNG_SHIM_H
#define SCHEDTUI_CPNG_SHIM_H
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>

/*
 * Reading PNG files without letting libpng's longjmp cross a Swift frame.
 *
 * libpng reports errors by calling an error callback that must not return; the standard way is
 * setjmp/longjmp. Swift frames cannot be unwound by longjmp, so the whole decode happens in the C
 * function below: setjmp, every libpng call, the memory read callback and the error callback are
 * all C, and the longjmp lands in `schedtui_png_decode`'s own frame before it returns to Swift.
 * No Swift closure is ever passed to libpng. Writing uses libpng's simplified API
 * (`png_image_write_to_memory`), which catches its own errors internally in the same way.
 *
 * Why not the simplified read API: it converts 16-bit samples with gamma (its 16-bit formats are
 * "linear" with premultiplied alpha) and converts 8-bit files with a gAMA chunk to sRGB, so the
 * true sample values are lost. Here no gamma transform is ever requested.
 */

/** One decoded image: samples row-major, channels last; 16-bit samples are big-endian. */
typedef struct {
  png_uint_32 width;
  png_uint_32 height;
  /** After expansion: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  int channels;
  /** After expansion: 8 or 16. */
  int bitDepth;
  /** As stored in the file (PNG_COLOR_TYPE_*, 1/2/4/8/16). */
  int fileColorType;
  int fileBitDepth;
  /** malloc'd, `height * rowBytes` bytes; free with `schedtui_png_free`. NULL on error. */
  unsigned char *pixels;
  size_t rowBytes;
  /** libpng's message when decoding failed. */
  char message[256];
} schedtui_png_decoded;

typedef struct {
  const unsigned char *data;
  size_t size;
  size_t offset;
} schedtui_png_source;

static void schedtui_png_read_fn(png_structp png, png_bytep out, size_t count) {
  schedtui_png_source *src = (schedtui_png_source *)png_get_io_ptr(png);
  if (count > src->size - src->offset) {
    png_error(png, "file ends early (truncated)");
  }
  memcpy(out, src->data + src->offset, count);
  src->offset += count;
}

static void schedtui_png_error_fn(png_structp png, png_const_charp message) {
  schedtui_png_decoded *result = (schedtui_png_decoded *)png_get_error_ptr(png);
  strncpy(result->message, message, sizeof(result->message) - 1);
  result->message[sizeof(result->message) - 1] = 0;
  png_longjmp(png, 1);
}

static void schedtui_png_warning_fn(png_structp png, png_const_charp message) {
  /* Warnings (for example a bad CRC in an ancillary chunk, which libpng then skips) do not
     change the image data; the library does not print. */
  (void)png;
  (void)message;
}

/**
 * Decodes the PNG in `data[0..<size]`. Returns 1 on success, 0 on failure with `result->message`
 * set. Palette images become RGB (RGBA with tRNS), grey below 8 bits is scaled to 8 bits, tRNS
 * becomes an alpha channel, interlacing is undone, 16-bit samples are kept as they are. Refuses
 * images of more than `maxPixels` pixels as soon as the header is read, before any image data is
 * inflated or memory allocated: a small file can declare a huge image (a decompression bomb).
 */
static int schedtui_png_decode(const unsigned char *data, size_t size, size_t maxPixels,
                               schedtui_png_decoded *result) {
  memset(result, 0, sizeof *result);
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, result, schedtui_png_error_fn,
                                           schedtui_png_warning_fn);
  if (png == NULL) {
    strcpy(result->message, "out of memory");
    return 0;
  }
  png_infop info = png_create_info_struct(png);
  if (info == NULL) {
    png_destroy_read_struct(&png, NULL, NULL);
    strcpy(result->message, "out of memory");
    return 0;
  }
  /* Assigned after setjmp, read after longjmp: must be volatile. */
  unsigned char *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  schedtui_png_source source = {data, size, 0};
  if (setjmp(png_jmpbuf(png))) {
    free(pixels);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
  }
  png_set_read_fn(png, &source, schedtui_png_read_fn);
  png_read_info(png, info);
  result->width = png_get_image_width(png, info);
  result->height = png_get_image_height(png, info);
  if ((size_t)result->width * (size_t)result->height > maxPixels) {
    png_error(png, "image too large for schedtui");
  }
  result->fileColorType = png_get_color_type(png, info);
  result->fileBitDepth = png_get_bit_depth(png, info);
  if (result->fileColorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (result->fileColorType == PNG_COLOR_TYPE_GRAY && result->fileBitDepth < 8)
    png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  (void)png_set_interlace_handling(png);
  png_read_update_info(png, info);
  result->channels = png_get_channels(png, info);
  result->bitDepth = png_get_bit_depth(png, info);
  result->rowBytes = png_get_rowbytes(png, info);
  if (result->height == 0 || result->width == 0) png_error(png, "image has no pixels");
  pixels = (unsigned char *)malloc(result->rowBytes * result->height);
  rows = (png_bytep *)malloc(sizeof(png_bytep) * result->height);
  if (pixels == NULL || rows == NULL) png_error(png, "out of memory");
  for (png_uint_32 y = 0; y < result->height; y++) rows[y] = pixels + y * result->rowBytes;
  png_read_image(png, rows);
  /* Reads up to IEND, so a file cut after its image data is still reported as truncated. */
  png_read_end(png, NULL);
  free(rows);
  png_destroy_read_struct(&png, &info, NULL);
  result->pixels = pixels;
  return 1;
}

/**
 * zlib's CRC-32 (the IEEE polynomial PNG and gzip use) over `size` bytes, continuing from `crc`
 * (0 to start). zlib takes an unsigned int length, so large buffers go in 1 GiB pieces.
 */
static inline uint32_t schedtui_crc32(uint32_t crc, const unsigned char *data, size_t size) {
  uLong value = crc;
  while (size > 0) {
    uInt piece = size > (1u << 30) ? (1u << 30) : (uInt)size;
    value = crc32(value, data, piece);
    data += piece;
    size -= piece;
  }
  return (uint32_t)value;
}

static void schedtui_png_free(schedtui_png_decoded *result) {
  free(result->pixels);
  result->pixels = NULL;
}

#endif
