#ifndef CUSTODY_CQRENCODE_SHIM_H
#define CUSTODY_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
