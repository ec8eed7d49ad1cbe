#ifndef CSEGUEPIPE_H
#define CSEGUEPIPE_H

#include <stddef.h>
#include <sys/types.h>

/// Handing frame buffers to a pipe without copying them (Linux vmsplice), and asking how much of
/// a pipe its reader has not read yet. Swift cannot call these itself: vmsplice is not in its
/// Glibc module and ioctl is variadic.

#ifdef __cplusplus
extern "C" {
#endif

/// Maps up to `count` bytes at `bytes` into the pipe `fd` (blocking while it is full): the pipe
/// then refers to these pages instead of holding a copy, so they must stay unchanged until the
/// reader has read them (see `segue_pipe_unread`). Returns the bytes taken (0 < n <= count), or
/// -1 with errno set (EINVAL when `fd` is not a pipe or splicing is not supported: write() then).
ssize_t segue_vmsplice(int fd, const void *bytes, size_t count);

/// Bytes written into the pipe `fd` (either end) that its reader has not read yet, or -1 with
/// errno set.
long segue_pipe_unread(int fd);

/// Whether the pipe's read end is closed (nobody will read what is in it): 1, 0, or -1 on error.
int segue_pipe_reader_gone(int fd);

#ifdef __cplusplus
}
#endif

#endif
