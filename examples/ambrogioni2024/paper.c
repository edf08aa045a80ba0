/* Table 1 of Ambrogioni 2024 (Entropy 26:381), as printed. */
#include "paper.h"

const double amb_paper_table1[6][3] = {
    {0.995, 0.732, 0.893}, {0.991, 0.704, 0.822}, {0.991, 0.715, 0.810},
    {0.996, 0.741, 0.897}, {0.991, 0.707, 0.838}, {0.989, 0.700, 0.795},
};
