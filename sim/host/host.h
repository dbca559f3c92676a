/*	xcallsim: sim/host/host.h, what the machine needs of its host	*/

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
 * The host layer: the one place that knows which operating system the
 * machine runs on.  One file per host implements it (host_linux.c,
 * host_openbsd.c, host_portable.c); nothing else in the library calls
 * an interface that only some hosts have.  Host domain: no kernel
 * header comes in here.
 */

#ifndef _XCS_HOST_H_
#define _XCS_HOST_H_

#include <stdint.h>

#include "xcallsim.h"

/*
 * Sleep while *word still holds val, for at most ns nanoseconds (0: no
 * limit).  It may return early and spuriously, so callers look at the
 * word again; a wake after the caller changed the word is never lost.
 * Both are async-signal-safe: the IPI handler rings CPUs with them.
 */
void	xcs_host_wait(int32_t *word, int32_t val, uint64_t ns);
void	xcs_host_wake(int32_t *word);

/* The rest of the layer, which programs use too, is in xcallsim.h. */

#endif /* _XCS_HOST_H_ */
