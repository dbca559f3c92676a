/*	xcallsim: sim/trace.h, the trace recorder's and exporter's	*/

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


#ifndef _XCS_TRACE_H_
#define _XCS_TRACE_H_

#define XCS_TRACE_DEPTH		32	/* open slices per CPU */

/* An event copied out of a ring. */
struct xcs_trace_copy {
	unsigned int		 tc_cpu;
	uint64_t		 tc_index;
	uint64_t		 tc_ns;
	uint64_t		 tc_info;
	uint64_t		 tc_ptr;
	uint64_t		 tc_arg;
};

/* The fields packed in an event's te_info. */
#define TE_KIND(_i)	((int)((_i) & 0xff))
#define TE_IPL(_i)	((int)(((_i) >> 8) & 0xff))
#define TE_DEPTH(_i)	((int)(((_i) >> 16) & 0xff))
#define TE_SUB(_i)	((int)(((_i) >> 24) & 0xff))
#define TE_OTHER(_i)	((int)(((_i) >> 32) & 0xffff) - 1)

extern const char *const xcs_ipi_outcomes[XCS_IPI_NOUTCOMES];

int	xcs_trace_copy(unsigned int, uint64_t, struct xcs_trace_copy *);
void	xcs_trace_bounds(unsigned int, uint64_t *, uint64_t *);
const char *xcs_trace_wmesg_str(uint64_t, char [9]);
int	xcs_trace_readable(const char *);

#endif /* _XCS_TRACE_H_ */
