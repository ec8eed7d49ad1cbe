#define _GNU_SOURCE
#include "CSeguePipe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

ssize_t segue_vmsplice(int fd, const void *bytes, size_t count) {
    struct iovec io = {.iov_base = (void *)bytes, .iov_len = count};
    ssize_t n;
    do {
        n = vmsplice(fd, &io, 1, 0);
    } while (n < 0 && errno == EINTR);
    return n;
}

long segue_pipe_unread(int fd) {
    int unread = 0;
    if (ioctl(fd, FIONREAD, &unread) != 0) return -1;
    return unread;
}

int segue_pipe_reader_gone(int fd) {
    struct pollfd p = {.fd = fd, .events = POLLOUT, .revents = 0};
    int r;
    do {
        r = poll(&p, 1, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return -1;
    return (p.revents & POLLERR) ? 1 : 0;
}
