#!/usr/bin/python3
"""Writes the Yellow River's course and the lakes of Bayannur for the demo's simulated landscape.

Reads GSHHG as Debian's gmt-gshhg-high package installs it (GMT's binned netCDF): from the WDBII
rivers (binned_river_h.nc) the double-lined rivers (level 1: the Yellow River's main stem here),
from the shorelines (binned_GSHHS_h.nc) the lakes (level 2) that close inside their bin, such as
Ulansuhai. Writes each as text: one "lon lat" pair per line, a blank line between segments or
rings (what ecomon-simulate --river and --lakes read).

GSHHG: Wessel & Smith (1996), J. Geophys. Res. 101(B4), 8741-8743; LGPL, see
/usr/share/doc/gmt-gshhg-high/copyright.

Usage: extract_hydrography.py RIVER_OUTPUT LAKES_OUTPUT [--box WEST SOUTH EAST NORTH]
"""
import argparse
import os
import sys

import numpy as np
from osgeo import gdal


def read_arrays(path):
    ds = gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER)
    if ds is None:
        sys.exit(f"extract_hydrography.py: {path}: cannot be read (install gmt-gshhg-high)")
    root = ds.GetRootGroup()
    return {name: root.OpenMDArray(name).ReadAsArray() for name in root.GetMDArrayNames()}


def bin_segments(a, west, south, east, north):
    """(segment id, its bin's west and south edges, bin size) for every segment of the bins that
    meet the box. A bin is numbered row by row from the north pole."""
    size = float(a["Bin_size_in_minutes"][0]) / 60.0
    nx = int(a["N_bins_in_360_longitude_range"][0])
    for b in range(int(a["N_bins_in_file"][0])):
        row, col = divmod(b, nx)
        bin_west, bin_south = col * size, 90.0 - (row + 1) * size
        if bin_west > east or bin_west + size < west or bin_south > north or bin_south + size < south:
            continue
        first = int(a["Id_of_first_segment_in_a_bin"][b])
        for s in range(first, first + int(a["N_segments_in_a_bin"][b])):
            yield s, bin_west, bin_south, size


def points(a, s, n, bin_west, bin_south, size):
    """The n points of segment s: unsigned 16-bit offsets from its bin's south-west corner."""
    p0 = int(a["Id_of_first_point_in_a_segment"][s])
    dx = a["Relative_longitude_from_SW_corner_of_bin"][p0:p0 + n].astype(np.int64) & 0xFFFF
    dy = a["Relative_latitude_from_SW_corner_of_bin"][p0:p0 + n].astype(np.int64) & 0xFFFF
    return [(bin_west + x * size / 65535.0, bin_south + y * size / 65535.0) for x, y in zip(dx, dy)]


def segments(a, west, south, east, north, level):
    """River segments of the given level in the bins that meet the box."""
    for s, bin_west, bin_south, size in bin_segments(a, west, south, east, north):
        if int(a["Hierarchial_level_of_a_segment"][s]) == level:
            yield points(a, s, int(a["N_points_for_a_segment"][s]), bin_west, bin_south, size)


def lakes(a, west, south, east, north):
    """Level-2 (lake) rings of the shoreline file that close inside their bin (entry = exit = 4:
    no bin edge crossed). The segment word packs points << 9 | level << 6 | entry << 3 | exit."""
    info = a["Embedded_npts_levels_exit_entry_for_a_segment"].astype(np.int64) & 0xFFFFFFFF
    for s, bin_west, bin_south, size in bin_segments(a, west, south, east, north):
        word = int(info[s])
        n, level, entry, exit_ = word >> 9, (word >> 6) & 7, (word >> 3) & 7, word & 7
        if level != 2 or entry != 4 or exit_ != 4:
            continue
        ring = points(a, s, n, bin_west, bin_south, size)
        if all(west <= x <= east and south <= y <= north for x, y in ring):
            yield ring


def write(path, parts, title):
    partial = path + ".partial"
    with open(partial, "w") as out:
        out.write(f"# {title}, lon lat per line, parts separated by blank lines\n")
        for part in parts:
            out.write("\n".join(f"{x:.6f} {y:.6f}" for x, y in part) + "\n\n")
    os.replace(partial, path)
    print(f"{path}: {len(parts)} parts, {sum(len(p) for p in parts)} points")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("river_output")
    parser.add_argument("lakes_output")
    parser.add_argument("--box", nargs=4, type=float, default=[104.5, 39.5, 111.0, 43.0])
    parser.add_argument("--gshhg", default="/usr/share/gmt-gshhg")
    args = parser.parse_args()
    west, south, east, north = args.box
    river = [seg for seg in segments(read_arrays(args.gshhg + "/binned_river_h.nc"), west, south, east, north, level=1)
             if len(seg) >= 2 and any(west <= x <= east and south <= y <= north for x, y in seg)]
    if not river:
        sys.exit(f"extract_hydrography.py: no double-lined river in {args.box}")
    write(args.river_output, river, "Yellow River (GSHHG/WDBII rivers, level 1)")
    write(args.lakes_output, list(lakes(read_arrays(args.gshhg + "/binned_GSHHS_h.nc"), west, south, east, north)),
          "Lakes (GSHHG shorelines, level 2)")


if __name__ == "__main__":
    main()
