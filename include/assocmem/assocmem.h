/*
 * libassocmem — associative memory and memory consolidation.
 * Umbrella header: include this one to get the whole public API.
 */
#ifndef ASSOCMEM_ASSOCMEM_H
#define ASSOCMEM_ASSOCMEM_H

#include "assocmem/common.h"
#include "assocmem/data.h"
#include "assocmem/hopfield.h"

#endif
