/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Creating the namespaces, and saying why the kernel refused. */
#ifndef BECOME_ROOT_USERNS_H
#define BECOME_ROOT_USERNS_H

#include <stddef.h>

/* Explain why unshare(CLONE_NEWUSER | flags) failed with err: which sysctl
 * or policy is in the way. Writes a sentence into buf. */
void userns_explain(int err, int flags, char *buf, size_t len);

#endif
