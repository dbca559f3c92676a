/*	xcallsim: tests/fuzz/fuzz_faults.c, XCALLSIM_FAULTS	*/

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
 * The fault grammar, which the machine's first boot part parses: the
 * input is xc_faults (what XCALLSIM_FAULTS sets).  A rejection names
 * the specification and the item; the hooks an accepted one sets are
 * taken away again, as at shutdown.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xcallsim.h"

#include "fuzz.h"

int	xcs_faults_init(const struct xcs_config *);
void	xcs_faults_fini(void);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xcs_config cfg;
	char *spec;
	int error;

	spec = xcs_fuzz_string(data, size);
	xcs_config_init(&cfg);
	cfg.xc_faults = spec;
	error = xcs_faults_init(&cfg);
	if (error != 0) {
		xcs_fuzz_assert(error == EINVAL || error == ENOMEM,
		    "an error other than EINVAL or ENOMEM");
		xcs_fuzz_assert(strstr(xcs_errstr(), "faults \"") != NULL,
		    "a rejection that does not quote the faults");
	}
	xcs_faults_fini();
	free(spec);
	return (0);
}
