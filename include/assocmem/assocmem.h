/*
 * libassocmem — associative memory and memory consolidation.
 * Umbrella header: include this one to get the whole public API.
 */
#ifndef ASSOCMEM_ASSOCMEM_H
#define ASSOCMEM_ASSOCMEM_H

#include "assocmem/common.h"
#include "assocmem/data.h"
#include "assocmem/hopfield.h"
#include "assocmem/capacity.h"
#include "assocmem/dam.h"
#include "assocmem/diffusion.h"
#include "assocmem/kvmem.h"
#include "assocmem/probes.h"
#include "assocmem/scenes.h"
#include "assocmem/tvt.h"
#include "assocmem/vae.h"

#endif
