#!/usr/bin/python3
"""Writes the Yellow River's course through Bayannur for the demo's simulated landscape.

Reads the WDBII rivers of GSHHG as Debian's gmt-gshhg-high package installs them
(/usr/share/gmt-gshhg/binned_river_h.nc: GMT's binned netCDF), keeps the double-lined rivers
(level 1: the Yellow River's main stem here) inside the box, and writes them as text: one
"lon lat" pair per line, a blank line between segments (what ecomon-simulate --river reads).

GSHHG: Wessel & Smith (1996), J. Geophys. Res. 101(B4), 8741-8743; LGPL, see
/usr/share/doc/gmt-gshhg-high/copyright.

Usage: extract_river.py OUTPUT [--box WEST SOUTH EAST NORTH] [--source FILE]
"""
import argparse
import os
import sys

import numpy as np
from osgeo import gdal


def read_arrays(path):
    ds = gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER)
    if ds is None:
        sys.exit(f"extract_river.py: {path}: cannot be read (install gmt-gshhg-high)")
    root = ds.GetRootGroup()
    return {name: root.OpenMDArray(name).ReadAsArray() for name in root.GetMDArrayNames()}


def segments(a, west, south, east, north, level):
    """Segments of the given level in the bins that meet the box. A bin is numbered row by row
    from the north pole, its points stored as unsigned 16-bit offsets from its south-west corner."""
    size = float(a["Bin_size_in_minutes"][0]) / 60.0
    nx = int(a["N_bins_in_360_longitude_range"][0])
    for b in range(int(a["N_bins_in_file"][0])):
        row, col = divmod(b, nx)
        bin_west, bin_south = col * size, 90.0 - (row + 1) * size
        if bin_west > east or bin_west + size < west or bin_south > north or bin_south + size < south:
            continue
        first = int(a["Id_of_first_segment_in_a_bin"][b])
        for s in range(first, first + int(a["N_segments_in_a_bin"][b])):
            if int(a["Hierarchial_level_of_a_segment"][s]) != level:
                continue
            p0, n = int(a["Id_of_first_point_in_a_segment"][s]), int(a["N_points_for_a_segment"][s])
            dx = a["Relative_longitude_from_SW_corner_of_bin"][p0:p0 + n].astype(np.int64) & 0xFFFF
            dy = a["Relative_latitude_from_SW_corner_of_bin"][p0:p0 + n].astype(np.int64) & 0xFFFF
            yield [(bin_west + x * size / 65535.0, bin_south + y * size / 65535.0) for x, y in zip(dx, dy)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("--box", nargs=4, type=float, default=[104.5, 39.5, 111.0, 43.0])
    parser.add_argument("--source", default="/usr/share/gmt-gshhg/binned_river_h.nc")
    args = parser.parse_args()
    west, south, east, north = args.box
    kept = []
    for seg in segments(read_arrays(args.source), west, south, east, north, level=1):
        if any(west <= x <= east and south <= y <= north for x, y in seg) and len(seg) >= 2:
            kept.append(seg)
    if not kept:
        sys.exit(f"extract_river.py: no double-lined river in {args.box} of {args.source}")
    partial = args.output + ".partial"
    with open(partial, "w") as out:
        out.write("# Yellow River (GSHHG/WDBII level 1), lon lat per line, segments separated by blank lines\n")
        for seg in kept:
            out.write("\n".join(f"{x:.6f} {y:.6f}" for x, y in seg) + "\n\n")
    os.replace(partial, args.output)
    print(f"{args.output}: {len(kept)} segments, {sum(len(s) for s in kept)} points")


if __name__ == "__main__":
    main()
