/* COM1 serial console. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>

void console_init(void);
/* Write n bytes as one unit (no other CPU's output in between). */
void console_write(const char *s, size_t n);
/* Wait until the transmitter is empty (LSR.TEMT): nothing is lost at exit. */
void console_drain(void);

#endif
