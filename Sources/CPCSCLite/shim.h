#ifndef CUSTODY_CPCSCLITE_SHIM_H
#define CUSTODY_CPCSCLITE_SHIM_H
#include <PCSC/winscard.h>
#include <PCSC/reader.h>

/// SCARD_PCI_T0 / SCARD_PCI_T1 are address-of macros that Swift cannot import.
static inline const SCARD_IO_REQUEST *custody_pci_t0(void) { return SCARD_PCI_T0; }
static inline const SCARD_IO_REQUEST *custody_pci_t1(void) { return SCARD_PCI_T1; }
#endif
