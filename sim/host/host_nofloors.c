/*	xcallsim: sim/host/host_nofloors.c, hosts without the floors	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The benchmark's floors on every host but Linux: no CPU affinity to
 * pin a thread with (OpenBSD has none; the portable layer asks for
 * nothing beyond POSIX) and no membarrier(2).
 */

#include <errno.h>

#include "host.h"

int
xcs_host_pin(int cpu)
{
	(void)cpu;
	return (ENOTSUP);
}

int
xcs_host_membarrier_register(void)
{
	return (ENOTSUP);
}

int
xcs_host_membarrier(void)
{
	return (ENOTSUP);
}
