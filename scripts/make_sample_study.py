#!/usr/bin/env python3
"""Write the bundled sample study package (``data/``) of ICGP.

The study is invented: two innovation clusters in the real NUTS-2 region DE11 (Stuttgart), 72 fictitious
organisations, focus groups, interviews and a survey wave whose quotes and answers were made up to
demonstrate and test the toolkit. It is NOT the data of Anand & Naegele (ICPR 2021).

The script uses only the standard library and one seeded random generator, so running it again writes
byte-identical files:

    python scripts/make_sample_study.py            # writes into data/ next to this script's folder
    python scripts/make_sample_study.py --out DIR  # writes the package into DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections import Counter, defaultdict
from pathlib import Path

from kg.package.schemas import TABLES, load_schemas

SEED = 20210809
STUDY_ID = "stuttgart-i40-clusters"
CORE_REGION = "DE11"
PERIOD = ("2020-01-01", "2021-06-30")

# --------------------------------------------------------------------------------------------------
# Organisations: (number, name, actor type, employees, founded, NUTS-3, NACE, has website)
# Names are invented; NUTS codes are real (NUTS 2024). Employees match the EU size class of enterprises.
# --------------------------------------------------------------------------------------------------
ORGANISATIONS: list[tuple[int, str, str, int | None, int | None, str, str, bool]] = [
    # large enterprises (A01.4)
    (1, "Korvelin Drive Systems AG", "A01.4", 4850, 1921, "DE116", "29.32", True),
    (2, "Halvenstein Werkzeugmaschinen GmbH", "A01.4", 1320, 1954, "DE113", "28.41", True),
    (3, "Trelmond Electronics GmbH", "A01.4", 640, 1978, "DE112", "26.51", False),
    (4, "Brennerfeld Gießerei GmbH", "A01.4", 410, 1962, "DE11D", "24.53", False),
    # medium enterprises (A01.3)
    (5, "Filsmoor Präzisionsteile GmbH", "A01.3", 180, 1968, "DE114", "25.62", True),
    (6, "Lautermann Kunststofftechnik GmbH", "A01.3", 145, 1981, "DE115", "22.29", False),
    (7, "Sentrova Sensorik GmbH", "A01.3", 95, 1999, "DE111", "26.51", True),
    (8, "Kessling & Rauh Oberflächentechnik GmbH", "A01.3", 120, 1974, "DE113", "25.61", False),
    (9, "Weidacher Fördertechnik GmbH", "A01.3", 210, 1959, "DE117", "28.22", False),
    (10, "Ostalb Federnwerk Quellmann GmbH", "A01.3", 88, 1970, "DE11D", "25.93", False),
    (11, "Hohenfels Verpackungsmaschinen GmbH", "A01.3", 160, 1987, "DE119", "28.29", True),
    (12, "Marbeck Antriebselemente GmbH", "A01.3", 130, 1976, "DE141", "28.15", False),
    (13, "Tannreuth Elektrotechnik GmbH", "A01.3", 75, 1992, "DE11C", "27.12", False),
    # small enterprises (A01.2)
    (14, "Zellmayer Feinmechanik GmbH", "A01.2", 34, 1986, "DE112", "25.62", False),
    (15, "Norkamp Lasertechnik GmbH", "A01.2", 27, 2003, "DE115", "25.61", True),
    (16, "Pfeilring Steuerungsbau GmbH", "A01.2", 41, 1995, "DE113", "27.12", False),
    (17, "Lorvatek CNC-Service GmbH", "A01.2", 18, 2008, "DE113", "33.12", False),
    (18, "Moosgruber Metallbau GmbH", "A01.2", 22, 1979, "DE116", "25.11", False),
    (19, "Fenwald Hydraulik GmbH", "A01.2", 38, 1990, "DE114", "28.12", True),
    (20, "Kalterhof Messtechnik GmbH", "A01.2", 16, 2011, "DE111", "26.51", False),
    (21, "Rindler Spritzguss GmbH", "A01.2", 45, 1984, "DE118", "22.29", False),
    (22, "Quellmatt Drehteile GmbH", "A01.2", 29, 1997, "DE11D", "25.62", False),
    (23, "Virnau Automation GmbH", "A01.2", 24, 2006, "DE11D", "28.99", True),
    (24, "Steinhag Elektronikfertigung GmbH", "A01.2", 47, 1993, "DE118", "26.12", False),
    (25, "Galmbach Antriebsteile GmbH", "A01.2", 31, 1988, "DE122", "28.15", False),
    (26, "Orbstetten Kunststoffe GmbH", "A01.2", 19, 2001, "DE129", "22.29", False),
    (27, "Lindquell Sondermaschinen GmbH", "A01.2", 36, 1999, "DE144", "28.96", False),
    # micro enterprises (A01.1)
    (28, "Werkstatt Haberl Metallbearbeitung", "A01.1", 6, 1996, "DE116", "25.62", False),
    (29, "Kornmesser Prototypenbau", "A01.1", 4, 2014, "DE111", "25.62", True),
    (30, "Dorrwang Elektroservice", "A01.1", 7, 2002, "DE115", "43.21", False),
    (31, "Trautmoos Formenbau", "A01.1", 9, 1991, "DE114", "25.73", False),
    (32, "Feldwies Gravurtechnik", "A01.1", 3, 2009, "DE119", "25.61", False),
    (33, "Kaltenmark Schweißtechnik", "A01.1", 8, 1985, "DE11A", "25.62", False),
    (34, "Nellinger Modellbau", "A01.1", 5, 2005, "DE11D", "32.99", False),
    (35, "Birkweiler Datentechnik", "A01.1", 4, 2012, "DE12B", "62.01", True),
    (36, "Rauhalde Präzision", "A01.1", 6, 2000, "DE143", "25.62", False),
    # startups (A01.5)
    (37, "Cobotix Labs GmbH", "A01.5", 14, 2018, "DE111", "28.99", True),
    (38, "Datenfluss Analytics UG", "A01.5", 6, 2019, "DE111", "62.01", True),
    (39, "Visiomatik AI GmbH", "A01.5", 11, 2017, "DE113", "62.01", True),
    (40, "Twinforge Simulation GmbH", "A01.5", 8, 2019, "DE112", "62.01", False),
    (41, "PrintLattice Additive GmbH", "A01.5", 9, 2018, "DE115", "32.99", True),
    (42, "Kochertal Robotics UG", "A01.5", 5, 2020, "DE11D", "28.99", True),
    (43, "Sensalyt IoT GmbH", "A01.5", 7, 2019, "DE11C", "26.51", False),
    (44, "Nimbra Secure GmbH", "A01.5", 10, 2017, "DE122", "62.02", True),
    # technology providers (A01.6)
    (45, "Quadrant Automation Solutions GmbH", "A01.6", 85, 2004, "DE115", "62.01", True),
    (46, "Helio Edge Computing GmbH", "A01.6", 38, 2010, "DE112", "62.02", True),
    (47, "Valdrin Robotik Vertrieb GmbH", "A01.6", 52, 1998, "DE113", "46.69", False),
    (48, "Mittelfeld Software GmbH", "A01.6", 130, 1996, "DE111", "62.01", True),
    (49, "Sichtwerk AR Systems GmbH", "A01.6", 23, 2013, "DE116", "62.01", False),
    (50, "Kronstein Industrial Networks GmbH", "A01.6", 44, 2008, "DE11D", "26.30", False),
    # enterprises of unknown size (A01)
    (51, "Lohrbach Logistik KG", "A01", None, None, "DE115", "52.10", False),
    (52, "Mertinger Gusswerk", "A01", None, None, "DE114", "24.53", False),
    # higher-education institutions (A02)
    (53, "Neckarland University of Technology", "A02", 5200, 1876, "DE111", "85.42", True),
    (54, "Kocher-Brenz University of Applied Sciences", "A02", 780, 1962, "DE11D", "85.42", True),
    (55, "Filder University of Applied Sciences", "A02", 1100, 1971, "DE113", "85.42", False),
    # research and technology organisations (A03)
    (56, "Institute for Networked Production", "A03", 420, 1981, "DE111", "72.19", True),
    (57, "Schönbuch Institute for Applied Machine Intelligence", "A03", 95, 2016, "DE112", "72.19", False),
    # cluster organisations (A04)
    (58, "Neckar Smart Production e.V.", "A04", 12, 2011, "DE111", "94.11", True),
    (59, "KI-Netzwerk Ostalb e.V.", "A04", 3, 2020, "DE11D", "94.11", False),
    # digital innovation hub (A05)
    (60, "Werkbank Digital Innovation Hub", "A05", 18, 2017, "DE113", "74.90", True),
    # competence centre (A06)
    (61, "SME Digital Competence Centre Neckar", "A06", 14, 2016, "DE111", "85.59", True),
    # intermediaries (A07): a chamber, an incubator, an industry association
    (62, "Chamber of Industry and Commerce Neckar-Fils", "A07", 160, 1867, "DE114", "94.11", False),
    (63, "Gründerhaus Neckarpark", "A07", 9, 2015, "DE111", "70.22", True),
    (64, "Verband Präzisionstechnik Mittlerer Neckar e.V.", "A07", 11, 1949, "DE111", "94.11", False),
    # investors (A08)
    (65, "Rotfels Ventures GmbH", "A08", 12, 2014, "DE111", "64.30", True),
    (66, "Filstal Angel Circle e.V.", "A08", 2, 2012, "DE114", "64.99", False),
    # funding agency (A09)
    (67, "Innovationsförderung Neckar GmbH", "A09", 65, 1999, "DE111", "84.13", False),
    # public authorities (A10)
    (68, "Economic Development Office Rems-Murr", "A10", 25, 1973, "DE116", "84.13", False),
    (69, "Regional Planning Association Mittlerer Neckar", "A10", 80, 1994, "DE111", "84.11", False),
    # education providers (A11)
    (70, "Berufsschulzentrum Filstal", "A11", 140, 1965, "DE114", "85.32", False),
    (71, "Mechatronik-Akademie Heilbronn-Land", "A11", 22, 2003, "DE118", "85.59", False),
    # civil-society organisation (A12)
    (72, "Makerspace Neckarwerk e.V.", "A12", 1, 2014, "DE111", "94.99", False),
]

SME_TYPES = ("A01.1", "A01.2", "A01.3")
ENTERPRISE_TYPES = ("A01", "A01.1", "A01.2", "A01.3", "A01.4", "A01.5", "A01.6")


def oid(number: int) -> str:
    """Local id of organisation ``number``."""
    return f"org-{number:02d}"


def size_class(actor_type: str, employees: int | None) -> str:
    """EU size class (SC1..SC4) of an enterprise by head count; empty for non-enterprises or unknown size."""
    if actor_type not in ENTERPRISE_TYPES or employees is None:
        return ""
    if employees < 10:
        return "SC1"
    if employees < 50:
        return "SC2"
    if employees < 250:
        return "SC3"
    return "SC4"


ORG_TYPE = {oid(o[0]): o[2] for o in ORGANISATIONS}
ORG_NUTS = {oid(o[0]): o[5] for o in ORGANISATIONS}
ORG_FOUNDED = {oid(o[0]): o[4] or 1900 for o in ORGANISATIONS}

# --------------------------------------------------------------------------------------------------
# Clusters and memberships
# --------------------------------------------------------------------------------------------------
ESTABLISHED = "neckar-smart-production"
EMERGING = "ostalb-ai-robotics"

CLUSTERS = [
    # id, name, nuts, specialisations, managed_by, founded, lifecycle stage, excellence label
    (ESTABLISHED, "Neckar Smart Production Cluster", "DE11", "T05;T10;T01;T07", oid(58), 2011, "LC3", "EL3"),
    (EMERGING, "Ostalb AI and Robotics Network", "DE11D", "T03;T05;T02", oid(59), 2020, "LC1", ""),
]

# (cluster, organisation number, role, since, until)
MEMBERSHIP_ROLES = {
    ESTABLISHED: {1: "MR2", 53: "MR2", 2: "MR3", 58: "MR4", 60: "MR4"},
    EMERGING: {42: "MR3", 59: "MR4", 60: "MR4"},
}
# fmt: off
MEMBERS = {
    ESTABLISHED: [1, 53, 2, 58, 60, 3, 5, 6, 7, 8, 9, 11, 14, 15, 16, 17, 18, 19, 20, 21, 24, 25, 28, 29, 30,
                  31, 32, 37, 38, 39, 40, 41, 45, 46, 47, 48, 49, 55, 56, 57, 61, 63, 64, 65, 67, 70, 71],
    EMERGING: [42, 59, 60, 4, 7, 10, 13, 22, 23, 34, 39, 43, 50, 54],
}
# fmt: on

# --------------------------------------------------------------------------------------------------
# Interactions. Linkage is read from the source's point of view: LK1 the source buys from the target
# (backward linkage), LK2 the source sells to the target (forward linkage), LK3 knowledge flows.
# (source, targets, type, linkage, (min, max intensity), (first, last year), evidence pool, repeats)
# --------------------------------------------------------------------------------------------------
ANCHOR_SUPPLIERS = [5, 6, 8, 9, 14, 15, 16, 18, 19, 21, 24, 28, 31, 12, 25]
DIH_CLIENTS = [14, 16, 17, 19, 21, 22, 23, 28, 29, 30, 32, 12, 35, 42, 43]

InteractionSpec = tuple[int, list[int], str, str, tuple[int, int], tuple[int, int], list[str], int]
INTERACTION_SPECS: list[InteractionSpec] = [
    # the anchor firm and its suppliers (repeated observations in two years for the strongest ties)
    (1, ANCHOR_SUPPLIERS, "IT02", "LK1", (3, 5), (2018, 2021), ["INT1", "DOC1", "FG1"], 2),
    (1, [53], "IT01", "LK3", (4, 5), (2018, 2021), ["INT1", "INT5"], 2),
    (1, [56], "IT01", "LK3", (3, 5), (2019, 2021), ["INT1", "DOC1"], 1),
    (1, [37], "IT01", "LK3", (2, 4), (2019, 2021), ["INT1", "INT4"], 1),
    (1, [58], "IT06", "", (2, 3), (2019, 2021), ["INT2"], 1),
    (1, [2], "IT06", "", (1, 2), (2019, 2020), ["FG2"], 1),
    (45, [1], "IT07", "LK2", (3, 4), (2018, 2021), ["INT1"], 1),
    (46, [1], "IT07", "LK2", (2, 4), (2019, 2021), ["INT1"], 1),
    (48, [1, 3], "IT02", "LK2", (3, 4), (2018, 2021), ["DOC1"], 1),
    (39, [1], "IT07", "LK2", (2, 3), (2020, 2021), ["INT1", "FG1"], 1),
    (40, [1], "IT07", "LK2", (2, 3), (2020, 2021), ["FG1"], 1),
    (51, [1], "IT02", "LK2", (3, 4), (2018, 2021), ["DOC1"], 1),
    (68, [1], "IT08", "", (1, 2), (2020, 2021), ["FG2"], 1),
    (69, [1, 53], "IT08", "", (1, 3), (2020, 2021), ["FG2", "INT6"], 1),
    (70, [1, 5], "IT04", "LK3", (2, 4), (2018, 2021), ["DOC1"], 1),
    # the anchor university: spin-offs, research partners and knowledge transfer
    (53, [37, 38, 39, 40, 41], "IT01", "LK3", (3, 5), (2018, 2021), ["INT5", "FG1"], 1),
    (53, [2, 3], "IT01", "LK3", (3, 4), (2018, 2021), ["INT5"], 1),
    (53, [7, 20, 5, 9, 13, 16], "IT03", "LK3", (2, 3), (2019, 2021), ["INT5", "FG1"], 1),
    (53, [56], "IT01", "LK3", (4, 5), (2018, 2021), ["INT5", "DOC1"], 1),
    (53, [60, 61], "IT03", "LK3", (2, 3), (2019, 2021), ["INT5", "FG2"], 1),
    (53, [58, 72], "IT06", "", (1, 2), (2019, 2021), ["FG2"], 1),
    (53, [63], "IT07", "LK3", (2, 3), (2019, 2021), ["INT5"], 1),
    (53, [70], "IT04", "LK3", (1, 2), (2020, 2021), ["INT5"], 1),
    # the digital innovation hub serves SMEs and startups and is tied to every university and RTO
    (60, DIH_CLIENTS, "IT07", "LK3", (2, 4), (2019, 2021), ["FG1", "FG2", "DOC1"], 1),
    (60, [54, 55, 56, 57], "IT03", "LK3", (3, 4), (2019, 2021), ["FG2"], 1),
    (60, [58], "IT06", "", (3, 4), (2019, 2021), ["FG2", "INT2"], 1),
    # the cluster organisation of the established cluster
    (58, [5, 6, 8, 11, 15, 18, 24], "IT07", "LK3", (2, 4), (2019, 2021), ["INT2", "DOC1", "FG1"], 1),
    (58, [55], "IT03", "LK3", (2, 3), (2019, 2021), ["INT2"], 1),
    (58, [67], "IT08", "", (2, 3), (2020, 2021), ["INT2", "INT6"], 1),
    (68, [58, 59], "IT08", "", (1, 3), (2020, 2021), ["FG2", "FG3"], 1),
    (69, [58], "IT08", "", (2, 3), (2020, 2021), ["FG2"], 1),
    (62, [58], "IT08", "", (1, 2), (2020, 2021), ["FG2"], 1),
    (64, [58, 5], "IT06", "", (1, 2), (2019, 2021), ["DOC1"], 1),
    # competence centre and education providers
    (61, [28, 29, 30, 31, 32, 33, 34], "IT04", "LK3", (2, 3), (2019, 2021), ["INT3", "FG1"], 1),
    (61, [55], "IT03", "LK3", (2, 3), (2019, 2021), ["FG2"], 1),
    (71, [19, 24, 33], "IT04", "LK3", (2, 3), (2019, 2021), ["FG1"], 1),
    # technology providers sell to SMEs (forward linkages)
    (45, [5, 6, 9, 11], "IT02", "LK2", (2, 4), (2018, 2021), ["FG1", "DOC1"], 1),
    (46, [7, 20, 38], "IT07", "LK2", (2, 3), (2019, 2021), ["FG1"], 1),
    (47, [14, 16, 18, 23], "IT02", "LK2", (2, 4), (2019, 2021), ["FG1", "FG3"], 1),
    (49, [15, 21, 9], "IT07", "LK2", (1, 3), (2020, 2021), ["FG1"], 1),
    (50, [22, 23, 10], "IT02", "LK2", (2, 3), (2020, 2021), ["FG3"], 1),
    # supply relations and peer exchange among SMEs
    (5, [14], "IT02", "LK1", (2, 4), (2018, 2021), ["FG1"], 1),
    (8, [18], "IT02", "LK1", (2, 3), (2018, 2021), ["FG1"], 1),
    (6, [21], "IT02", "LK1", (2, 3), (2018, 2021), ["FG1"], 1),
    (2, [52], "IT02", "LK1", (3, 4), (2018, 2021), ["DOC1"], 1),
    (10, [34], "IT02", "LK1", (2, 3), (2019, 2021), ["FG3"], 1),
    (13, [22], "IT02", "LK1", (2, 3), (2019, 2021), ["FG3"], 1),
    (14, [15], "IT06", "", (1, 2), (2019, 2021), ["FG1"], 1),
    (18, [28], "IT06", "", (1, 2), (2019, 2021), ["FG1"], 1),
    (22, [23], "IT06", "", (2, 3), (2020, 2021), ["FG3"], 1),
    (31, [32], "IT06", "", (1, 2), (2019, 2021), ["INT3"], 1),
    (30, [33], "IT06", "", (1, 2), (2019, 2021), ["INT3"], 1),
    # startups working with SMEs
    (37, [17, 24], "IT01", "LK3", (2, 4), (2019, 2021), ["INT4", "FG1"], 1),
    (39, [7], "IT01", "LK3", (2, 3), (2019, 2021), ["FG1"], 1),
    (40, [9], "IT07", "LK2", (2, 3), (2020, 2021), ["FG1"], 1),
    (41, [29], "IT07", "LK2", (1, 3), (2020, 2021), ["FG1"], 1),
    (42, [22, 23, 34], "IT01", "LK3", (2, 4), (2020, 2021), ["FG3"], 1),
    (43, [10, 13], "IT07", "LK2", (2, 3), (2020, 2021), ["FG3"], 1),
    (44, [12], "IT07", "LK2", (1, 2), (2020, 2021), ["SW1"], 1),
    (38, [20], "IT07", "LK2", (1, 3), (2020, 2021), ["FG1"], 1),
    # financing
    (65, [37, 39, 44], "IT05", "", (3, 5), (2018, 2021), ["INT4", "FG2"], 1),
    (66, [38, 41], "IT05", "", (2, 3), (2019, 2021), ["FG1"], 1),
    (67, [24, 19, 42, 14], "IT05", "", (2, 3), (2020, 2021), ["INT6"], 1),
    # the large machine builder and the electronics maker
    (2, [16, 17, 19, 31], "IT02", "LK1", (2, 4), (2018, 2021), ["FG2", "DOC1"], 1),
    (2, [56], "IT01", "LK3", (3, 4), (2019, 2021), ["DOC1"], 1),
    (2, [37], "IT01", "LK3", (2, 3), (2020, 2021), ["INT4"], 1),
    (3, [20, 24], "IT02", "LK1", (2, 4), (2018, 2021), ["DOC1"], 1),
    # incubator, chamber, makerspace
    (63, [38, 40, 41, 44], "IT07", "LK3", (2, 3), (2019, 2021), ["INT4"], 1),
    (62, [30, 33], "IT07", "LK3", (1, 2), (2020, 2021), ["INT3"], 1),
    (72, [41, 29], "IT06", "", (1, 2), (2019, 2021), ["FG1"], 1),
    # the emerging cluster around the Ostalb
    (59, [22, 23, 34, 43, 10], "IT07", "LK3", (1, 3), (2020, 2021), ["FG3"], 1),
    (54, [42, 43, 23], "IT01", "LK3", (2, 4), (2020, 2021), ["FG3"], 1),
    (4, [22, 10, 34, 13], "IT02", "LK1", (3, 4), (2019, 2021), ["FG3"], 1),
    (57, [42, 39], "IT01", "LK3", (2, 3), (2020, 2021), ["FG3"], 1),
    (54, [59], "IT06", "", (2, 3), (2020, 2021), ["FG3"], 1),
    (4, [54, 42], "IT01", "LK3", (2, 3), (2020, 2021), ["FG3"], 1),
]

# --------------------------------------------------------------------------------------------------
# Technology adoptions: candidate technologies per actor group and status probabilities.
# --------------------------------------------------------------------------------------------------
TECH_POOLS = {
    "large": ["T05.1", "T10.1", "T02.1", "T03.8", "T07.2", "T01.2", "T09.1", "T11.1", "T04.2", "T06.3"],
    "medium": ["T05.1", "T11.1", "T01.1", "T02.5", "T10.4", "T09", "T04.1", "T06", "T03.4"],
    "small": ["T11.1", "T04.1", "T05.2", "T01.1", "T02.5", "T06.2", "T09", "T03.4"],
    "micro": ["T04.1", "T11.3", "T06.1", "T01.1", "T11.1", "T09"],
    "startup": ["T03.5", "T04.3", "T01.5", "T07.2", "T06.1", "T12.1", "T03.4", "T08.1"],
    "provider": ["T10.4", "T04.5", "T05.2", "T08.1", "T01.3", "T09.1", "T02.1", "T11.1"],
    "unknown": ["T11.1", "T04.1", "T01.1"],
}
TECH_COUNT = {"large": 5, "medium": 3, "small": 2, "micro": 2, "startup": 3, "provider": 2, "unknown": 1}
# probabilities of AS1 planned, AS2 piloting, AS3 in-use, AS4 abandoned
STATUS_WEIGHTS = {
    "large": (5, 15, 75, 5),
    "medium": (25, 25, 45, 5),
    "small": (40, 30, 25, 5),
    "micro": (55, 25, 15, 5),
    "startup": (15, 35, 50, 0),
    "provider": (0, 10, 90, 0),
    "unknown": (40, 20, 40, 0),
}
GROUP_OF_TYPE = {
    "A01": "unknown",
    "A01.1": "micro",
    "A01.2": "small",
    "A01.3": "medium",
    "A01.4": "large",
    "A01.5": "startup",
    "A01.6": "provider",
}

# --------------------------------------------------------------------------------------------------
# Capacity-building activities
# (number, title, type, provider, cluster, start, end, technologies, addresses, nuts, beneficiaries,
#  other roles as (organisation, role))
# --------------------------------------------------------------------------------------------------
ActivitySpec = tuple[int, str, str, int, str, str, str, str, str, str, int, list[tuple[int, str]]]
# fmt: off
ACTIVITIES: list[ActivitySpec] = [
    (1, "Industry 4.0 kick-off evening for suppliers", "CB01", 58, ESTABLISHED, "2020-02-12",
        "2020-02-12", "T01;T10", "F3.04", "DE111", 9, [(1, "PR3")]),
    (2, "Certificate course: data analytics for production engineers", "CB02", 53, ESTABLISHED,
        "2020-03-02", "2020-06-26", "T02;T03.5", "F3.03", "DE111", 6, [(56, "PR2")]),
    (3, "Cobot hands-on workshop", "CB03", 60, ESTABLISHED, "2020-10-14", "2020-10-14", "T05.2",
        "F3.03;F3.02", "DE113", 6, [(47, "PR2")]),
    (4, "Smart factory demonstrator open days", "CB04", 56, ESTABLISHED, "2020-09-22",
        "2020-09-24", "T07.2;T01", "F3.04;F3.02", "DE111", 7, []),
    (5, "Learning factory: lean and digital assembly", "CB05", 55, ESTABLISHED, "2020-11-02",
        "2021-02-19", "T10.1;T05", "F3.03;F3.10", "DE113", 5, []),
    (6, "Test before invest: machine vision pilots", "CB06", 60, ESTABLISHED, "2021-01-11",
        "2021-05-28", "T03.4", "F3.01;F3.14", "DE113", 4, [(39, "PR2")]),
    (7, "Digital maturity check for SMEs", "CB07", 61, ESTABLISHED, "2020-04-01", "2020-12-18",
        "T02;T11", "F3.05;F3.04", "DE111", 7, []),
    (8, "Digitalisation roadmap coaching", "CB08", 61, ESTABLISHED, "2021-01-18", "2021-06-25",
        "T10;T11.1", "F3.05;F3.11", "DE111", 4, []),
    (9, "Supplier and startup matchmaking day", "CB09", 58, ESTABLISHED, "2020-07-08",
        "2020-07-08", "T03;T05;T07", "F3.15", "DE111", 8, [(1, "PR3"), (2, "PR3")]),
    (10, "Working group on interoperability (OPC UA)", "CB10", 58, ESTABLISHED, "2020-01-20",
        "2021-06-30", "T10.4", "F3.08;F3.09", "DE111", 6, [(48, "PR3")]),
    (11, "Neckar production hackathon", "CB11", 53, ESTABLISHED, "2021-03-19", "2021-03-21",
        "T03.5;T02", "F3.03", "DE111", 5, [(1, "PR4"), (39, "PR4")]),
    (12, "Joint project: predictive maintenance for mid-sized suppliers", "CB12", 56,
        ESTABLISHED, "2020-05-01", "2021-06-30", "T03.8;T01.1", "F3.03;F3.01", "DE111", 4,
        [(1, "PR2"), (53, "PR2")]),
    (13, "Funding clinic: digitalisation vouchers", "CB13", 67, ESTABLISHED, "2020-06-17",
        "2020-06-17", "T11;T05", "F3.01;F3.13", "DE111", 8, []),
    (14, "Virtual delegation: smart manufacturing in the Alpine regions", "CB14", 58,
        ESTABLISHED, "2021-05-05", "2021-05-06", "T10", "F3.04", "", 5, []),
    (15, "Technology radar: edge computing and 5G in production", "CB15", 56, ESTABLISHED,
        "2020-12-01", "2020-12-01", "T01.4;T04.5", "F3.04;F3.14", "DE111", 6, []),
    (16, "Position paper input: industrial data spaces", "CB16", 58, ESTABLISHED, "2021-02-01",
        "2021-04-30", "T10.4;T09", "F3.07;F3.08", "DE111", 3, [(1, "PR2"), (2, "PR2")]),
    (17, "Startup acceleration batch 2020", "CB17", 63, ESTABLISHED, "2020-09-01", "2021-02-26",
        "T03;T12.1", "F3.13", "DE111", 4, [(65, "PR4"), (66, "PR4")]),
    (18, "Cybersecurity certification readiness programme", "CB18", 60, ESTABLISHED,
        "2021-02-15", "2021-05-14", "T09.1", "F3.06", "DE113", 5, [(44, "PR4")]),
    (19, "Cybersecurity awareness breakfast", "CB01", 62, "", "2020-10-06", "2020-10-06", "T09",
        "F3.06;F3.04", "DE114", 7, []),
    (20, "Apprentice upskilling: PLC programming and robotics", "CB02", 70, ESTABLISHED,
        "2020-09-14", "2021-01-29", "T05.5;T05.1", "F3.03", "DE114", 5, []),
    (21, "Additive manufacturing design workshop", "CB03", 55, ESTABLISHED, "2021-04-20",
        "2021-04-20", "T06", "F3.03;F3.02", "DE113", 5, [(41, "PR3")]),
    (22, "AR maintenance demonstrator tour", "CB04", 49, ESTABLISHED, "2020-11-11",
        "2020-11-11", "T08.1", "F3.02", "DE116", 4, []),
    (23, "Investor pitch night: industrial technology", "CB13", 65, "", "2021-06-10", "2021-06-10", "T03;T05",
        "F3.13", "DE111", 5, [(66, "PR3")]),
    (24, "AI awareness series Ostalb", "CB01", 59, EMERGING, "2020-10-01", "2020-12-10", "T03",
        "F3.04", "DE11D", 6, [(54, "PR3")]),
    (25, "Robotics training for foundry staff", "CB02", 54, EMERGING, "2021-02-01", "2021-04-16",
        "T05.1;T05.2", "F3.03", "DE11D", 4, [(4, "PR2")]),
    (26, "Machine learning test lab Ostalb", "CB06", 54, EMERGING, "2021-03-01", "2021-06-30",
        "T03.5", "F3.01;F3.14", "DE11D", 3, [(57, "PR2")]),
    (27, "Ostalb network meetups", "CB10", 59, EMERGING, "2020-09-15", "2021-06-15", "T03;T05",
        "F2.01", "DE11D", 6, []),
    (28, "Matchmaking: foundries meet AI startups", "CB09", 60, EMERGING, "2021-04-28",
        "2021-04-28", "T03.4;T05.2", "F3.15;F3.04", "DE11D", 4, [(42, "PR3")]),
    (29, "Digital maturity check Ostalb", "CB07", 61, EMERGING, "2021-01-15", "2021-05-31",
        "T02;T11", "F3.05", "DE11D", 3, []),
    (30, "Vision systems workshop for quality inspection", "CB03", 57, EMERGING, "2021-05-19",
        "2021-05-19", "T03.4", "F3.03", "DE11D", 3, []),
]
# fmt: on

# Who can benefit: SMEs and startups of each cluster's catchment, plus firms outside DE11.
CORE_BENEFICIARIES = [5, 6, 7, 8, 9, 11, 14, 15, 16, 17, 18, 19, 20, 21, 24, 28, 29, 30, 31, 32, 33]
CORE_BENEFICIARIES += [37, 38, 39, 40, 41]
OUTSIDE_BENEFICIARIES = [12, 25, 26, 35, 36, 44]
EMERGING_BENEFICIARIES = [10, 13, 22, 23, 34, 42, 43, 33, 11]
EMERGING_OUTSIDE = [27]

# --------------------------------------------------------------------------------------------------
# Sources (data-collection events and one document), participants, coders
# --------------------------------------------------------------------------------------------------
# id, kind, title, date, participants, language, length, coded segments, coder ("C1+C2": halves)
# fmt: off
SOURCES = [
    ("FG1", "SK1", "Focus group 1: SMEs and startups of the Neckar Smart Production Cluster", "2020-06-18", 7,
        "en", 61240, 52, "C1+C2"),
    ("FG2", "SK1", "Focus group 2: cluster management, hub, research, funders and policy", "2020-07-09", 8,
        "en", 67810, 50, "C1+C2"),
    ("FG3", "SK1", "Focus group 3: the emerging AI and robotics network on the Ostalb", "2020-11-24", 6, "en",
        54305, 42, "C1+C2"),
    ("INT1", "SK2", "Interview: head of production digitalisation at an anchor firm", "2020-09-03", 1, "en",
        24880, 24, "C1"),
    ("INT2", "SK2", "Interview: manager of the Neckar Smart Production Cluster", "2020-09-17", 1, "en", 27390,
        24, "C2"),
    ("INT3", "SK2", "Interview: owner-manager of a micro enterprise", "2020-10-08", 1, "en", 18950, 22, "C1"),
    ("INT4", "SK2", "Interview: founder of a robotics startup", "2020-12-02", 1, "en", 21470, 22, "C2"),
    ("INT5", "SK2", "Interview: professor at the anchor university", "2021-01-20", 1, "en", 25120, 20, "C1"),
    ("INT6", "SK2", "Interview: officer of the regional funding agency", "2021-02-11", 1, "en", 19660, 18,
        "C2"),
    ("SW1", "SK3", "Survey wave 1: Industry 4.0 adoption and cluster support", "2021-03-31", 40, "en", None,
        0, ""),
    ("DOC1", "SK4", "Annual report 2020 of the Neckar Smart Production Cluster", "2021-04-15", None, "en",
        84300, 0, ""),
]
# fmt: on

# (participant number, organisation number or None, actor type, source)
PARTICIPANTS = [
    (1, 14, "A01.2", "FG1"),
    (2, 29, "A01.1", "FG1"),
    (3, 37, "A01.5", "FG1"),
    (4, 5, "A01.3", "FG1"),
    (5, None, "A01.1", "FG1"),
    (6, 47, "A01.6", "FG1"),
    (7, 40, "A01.5", "FG1"),
    (8, 58, "A04", "FG2"),
    (9, 60, "A05", "FG2"),
    (10, 53, "A02", "FG2"),
    (11, 56, "A03", "FG2"),
    (12, 1, "A01.4", "FG2"),
    (13, 67, "A09", "FG2"),
    (14, 62, "A07", "FG2"),
    (15, 69, "A10", "FG2"),
    (16, 59, "A04", "FG3"),
    (17, 42, "A01.5", "FG3"),
    (18, 22, "A01.2", "FG3"),
    (19, 4, "A01.4", "FG3"),
    (20, 54, "A02", "FG3"),
    (21, None, "A01.1", "FG3"),
    (22, 1, "A01.4", "INT1"),
    (23, 58, "A04", "INT2"),
    (24, 32, "A01.1", "INT3"),
    (25, 37, "A01.5", "INT4"),
    (26, 53, "A02", "INT5"),
    (27, 67, "A09", "INT6"),
]

SPEAKER_GROUP = {
    "A01": "sme",
    "A01.1": "sme",
    "A01.2": "sme",
    "A01.3": "sme",
    "A01.4": "large",
    "A01.5": "startup",
    "A01.6": "provider",
    "A02": "academia",
    "A03": "academia",
    "A04": "support",
    "A05": "support",
    "A06": "support",
    "A07": "support",
    "A08": "public",
    "A09": "public",
    "A10": "public",
    "A11": "academia",
    "A12": "support",
}

# --------------------------------------------------------------------------------------------------
# Codebook: (code, label, parent, polarity, maps_to, definition, include, exclude, example)
# --------------------------------------------------------------------------------------------------
CodeRow = tuple[str, str, str, str, str, str, str, str, str]
# fmt: off
CODEBOOK: list[CodeRow] = [
    ("ENABLERS", "Enablers of cluster development", "", "PO1", "F1",
        "Groups codes for conditions that help the cluster form or grow.", "", "", ""),
    ("ENABLER-ANCHOR", "Anchor or propulsive actor", "ENABLERS", "PO1", "F1.01",
        "A large firm or research anchor starts, attracts or pulls the cluster.",
        "The speaker links an effect on others to the anchor.", "Big firms mentioned without any effect.",
        "The drive maker's pilot plant got the whole network going."),
    ("ENABLER-RESEARCH", "Research and education base", "ENABLERS", "PO1", "F1.02",
        "Universities, institutes or training bring knowledge, talent or spin-offs.",
        "Knowledge, graduates or spin-offs from research or teaching.", "Funding paid by universities.",
        "Our first prototype came out of a master's thesis."),
    ("ENABLER-CRITICAL-MASS", "Critical mass and specialisation", "ENABLERS", "PO1", "F1.04",
        "The region has enough related firms and competences.", "Density of related firms or skills.", "",
        "Every step of the value chain is within twenty kilometres."),
    ("ENABLER-FUNDING", "Public funding and long-term support", "ENABLERS", "PO1", "F1.05",
        "Public programmes, start funding or vouchers make something possible.",
        "Grants, vouchers, public start funding.", "Private investment (see ENABLER-FINANCE).",
        "The voucher paid half of the first sensor project."),
    ("ENABLER-CMO-SERVICES", "Cluster management services", "ENABLERS", "PO1", "F1.06",
        "The cluster office or hub helps through neutral brokering, services or strategy.",
        "Concrete help by the cluster office or hub.", "Mere membership without a service.",
        "The cluster manager connected us within a day."),
    ("ENABLER-TRUST", "Trust and social capital", "ENABLERS", "PO1", "F1.07",
        "Trust, informal relations or the willingness to share.", "", "", ""),
    ("ENABLER-FINANCE", "Access to investors", "ENABLERS", "PO1", "F1.09",
        "Private investors, banks or angel networks enable a venture.", "", "Grants (see ENABLER-FUNDING).",
        ""),
    ("ENABLER-TEST-FACILITIES", "Test facilities and demonstrators", "ENABLERS", "PO1", "F1.10",
        "Labs, learning factories or demonstrators let firms try technology.", "", "", ""),
    ("ENABLER-POLICY-ALIGN", "Alignment with regional strategy", "ENABLERS", "PO1", "F1.12",
        "The cluster's topics fit regional or national strategies.", "", "", ""),
    ("ENABLER-EXTERNAL-LINKS", "External links", "ENABLERS", "PO1", "F1.13",
        "Links to other clusters, regions or foreign markets help.", "", "", ""),
    ("CLUSTER-BARRIERS", "Cluster-level barriers", "", "PO2", "F2",
        "Groups codes for problems of the cluster as a whole.", "", "", ""),
    ("CLBAR-FRAGMENTATION", "Fragmented network", "CLUSTER-BARRIERS", "PO2", "F2.01",
        "Actors do not know each other or rarely meet.", "", "", ""),
    ("CLBAR-HELIX-GAP", "Gap between helices", "CLUSTER-BARRIERS", "PO2", "F2.02",
        "Firms, academia and government differ in language, norms or time horizons.", "", "", ""),
    ("CLBAR-FUNDING-DEP", "Dependence on project funding", "CLUSTER-BARRIERS", "PO2", "F2.03",
        "Cluster services depend on short-term project money.", "", "", ""),
    ("CLBAR-MISTRUST", "Competition and mistrust", "CLUSTER-BARRIERS", "PO2", "F2.04",
        "Members fear that knowledge leaks to competitors.", "", "", ""),
    ("CLBAR-CRITICAL-MASS", "Too few actors", "CLUSTER-BARRIERS", "PO2", "F2.05",
        "Too few firms or competences in the field.", "", "", ""),
    ("CLBAR-BUREAUCRACY", "Administrative burden", "CLUSTER-BARRIERS", "PO2", "F2.06",
        "Programme rules, reporting or eligibility get in the way.", "", "", ""),
    ("CLBAR-WEAK-SME", "Weak SME involvement", "CLUSTER-BARRIERS", "PO2", "F2.07",
        "Activities are dominated by large firms or research; SMEs stay passive.", "", "", ""),
    ("BARRIERS", "Barriers to adopting Industry 4.0", "", "PO2", "F3",
        "Groups codes for obstacles a firm meets when adopting Industry 4.0 technology.", "", "", ""),
    ("BARRIER-COST", "High investment cost", "BARRIERS", "PO2", "F3.01",
        "The upfront cost of technology or integration is too high.",
        "Prices, budgets, integration cost, downtime cost.", "Difficulty to get loans (see BARRIER-FINANCE).",
        "One robot cell costs more than our annual profit."),
    ("BARRIER-ROI", "Unclear return on investment", "BARRIERS", "PO2", "F3.02",
        "The benefit is hard to quantify, or firms fear a wrong decision.", "", "", ""),
    ("BARRIER-SKILLS", "Skills shortage", "BARRIERS", "PO2", "F3.03",
        "Lack of qualified staff or expertise for digital technology.",
        "Missing people, know-how or training capacity.", "Lack of management time (see BARRIER-TIME).",
        "Nobody on our team could keep the system running."),
    ("BARRIER-SKILLS-DATA", "Shortage of data and AI specialists", "BARRIER-SKILLS", "PO2", "F3.03",
        "Lack of data scientists, AI or software specialists in particular.", "", "", ""),
    ("BARRIER-AWARENESS", "Low awareness", "BARRIERS", "PO2", "F3.04",
        "Management does not know the options or their relevance.", "", "", ""),
    ("BARRIER-STRATEGY", "No strategy", "BARRIERS", "PO2", "F3.05",
        "No roadmap or method to choose and sequence digital projects.", "", "", ""),
    ("BARRIER-SECURITY", "Cybersecurity concerns", "BARRIERS", "PO2", "F3.06",
        "Fear of attacks or breaches when connecting machines and data.", "", "", ""),
    ("BARRIER-LEGAL", "Legal uncertainty", "BARRIERS", "PO2", "F3.07",
        "Unclear data protection, data ownership or liability.", "", "", ""),
    ("BARRIER-INTEROP", "Missing interoperability", "BARRIERS", "PO2", "F3.08",
        "Interfaces or standards are missing; vendor lock-in.", "", "", ""),
    ("BARRIER-LEGACY", "Legacy systems", "BARRIERS", "PO2", "F3.09",
        "Existing machines or software cannot be connected.", "", "", ""),
    ("BARRIER-CULTURE", "Resistance to change", "BARRIERS", "PO2", "F3.10",
        "Staff or management resist new ways of working.", "", "", ""),
    ("BARRIER-TIME", "No time for digital projects", "BARRIERS", "PO2", "F3.11",
        "Owner-managers and key staff lack time.", "", "", ""),
    ("BARRIER-FINANCE", "Access to finance", "BARRIERS", "PO2", "F3.13",
        "Loans, grants or investors are hard to obtain.", "", "", ""),
    ("BARRIER-VENDOR", "Dependence on vendors", "BARRIERS", "PO2", "F3.15",
        "No neutral advice; advisors also sell the solution.", "", "", ""),
    ("DRIVERS", "Adoption drivers", "", "PO1", "F4",
        "Groups codes for reasons that push a firm to adopt technology.", "", "", ""),
    ("DRIVER-EFFICIENCY", "Cost reduction and efficiency", "DRIVERS", "PO1", "F4.02",
        "Technology is adopted to save time, energy or scrap.", "", "", ""),
    ("DRIVER-OEM-PRESSURE", "Customer pressure", "DRIVERS", "PO1", "F4.05",
        "A customer or OEM demands digital capabilities.", "", "", ""),
    ("DRIVER-LABOUR", "Labour shortage", "DRIVERS", "PO1", "F4.06",
        "Automation answers recruiting difficulties or an ageing workforce.", "", "", ""),
    ("INTERACTIONS", "Interactions of SMEs with other actors", "", "PO3", "F5",
        "Groups codes for relations between SMEs and other ecosystem actors.", "", "", ""),
    ("INTERACT-ACADEMIA", "SME and university or institute", "INTERACTIONS", "PO3", "F5.01",
        "Collaboration between a firm and a university or research institute.", "", "", ""),
    ("INTERACT-LARGE", "SME and large firm", "INTERACTIONS", "PO3", "F5.02",
        "Supplier or partner relation between an SME and a large firm.", "", "", ""),
    ("INTERACT-STARTUP", "SME and startup", "INTERACTIONS", "PO3", "F5.03",
        "Collaboration between an established firm and a startup.", "", "", ""),
    ("INTERACT-CMO-DIH", "Use of cluster or hub services", "INTERACTIONS", "PO3", "F5.04",
        "A firm uses services of the cluster office, the hub or the competence centre.", "", "", ""),
    ("INTERACT-INVESTOR", "Contact with investors or funders", "INTERACTIONS", "PO3", "F5.05",
        "A firm deals with investors, banks or funding agencies.", "", "", ""),
    ("INTERACT-SME", "Peer exchange among SMEs", "INTERACTIONS", "PO3", "F5.07",
        "Small firms exchange experience or share resources.", "", "", ""),
    ("INTERACT-TECHPROVIDER", "SME and technology provider", "INTERACTIONS", "PO3", "F5.08",
        "A firm works with a supplier or integrator of digital technology.", "", "", ""),
    ("GROWTH-POLE", "Growth-pole mechanisms", "", "PO3", "F7",
        "Groups codes for effects named in growth-pole theory.", "", "", ""),
    ("GP-DOMINANCE", "Dominance", "GROWTH-POLE", "PO3", "F7.01",
        "One actor sets terms that others must follow.", "", "", ""),
    ("GP-PROPULSION", "Propulsion", "GROWTH-POLE", "PO1", "F7.02",
        "An actor's innovation sets off change in others.", "", "", ""),
    ("GP-BACKWARD", "Backward linkage", "GROWTH-POLE", "PO1", "F7.03",
        "A propulsive firm's demand for inputs benefits its suppliers.", "", "", ""),
    ("GP-FORWARD", "Forward linkage", "GROWTH-POLE", "PO1", "F7.04",
        "A firm's output becomes an input that helps others.", "", "", ""),
    ("GP-SPILLOVER", "Knowledge spillover", "GROWTH-POLE", "PO1", "F7.05",
        "Knowledge moves between actors through people, projects or meetings.", "", "", ""),
    ("GP-POLARISATION", "Polarisation", "GROWTH-POLE", "PO3", "F7.06",
        "Activity and talent concentrate in the centre of the region.", "", "", ""),
    ("GP-SPREAD", "Spread effect", "GROWTH-POLE", "PO1", "F7.07",
        "Benefits reach SMEs or places beyond the core.",
        "Reach of services, training or knowledge to outsiders.", "",
        "Our training reached firms far beyond the core region."),
    ("GP-BACKWASH", "Backwash effect", "GROWTH-POLE", "PO2", "F7.08",
        "The pole drains talent or capital from peripheral firms or places.", "Talent drain, exclusion.", "",
        "Young engineers leave the valley and do not come back."),
    ("GP-MULTIPLIER", "Multiplier", "GROWTH-POLE", "PO1", "F7.09",
        "An investment triggers further investment or new firms.", "", "", ""),
    ("POLICY", "Policy implications", "", "PO3", "F8", "Groups codes for what participants ask policy to do.",
        "", "", ""),
    ("POLICY-FUNDING", "Funding instruments", "POLICY", "PO3", "F8.01",
        "Suggestions about grants, vouchers or loans.", "", "", ""),
    ("POLICY-SOFT", "Soft measures", "POLICY", "PO3", "F8.02",
        "Suggestions about networking and matchmaking support.", "", "", ""),
    ("POLICY-SKILLS", "Skills policy", "POLICY", "PO3", "F8.04",
        "Suggestions about education, training or upskilling.", "", "", ""),
    ("POLICY-INFRA", "Infrastructure and test facilities", "POLICY", "PO3", "F8.05",
        "Suggestions about broadband, test beds or shared labs.", "", "", ""),
    ("POLICY-CLUSTER-DESIGN", "Design of cluster policy", "POLICY", "PO3", "F8.06",
        "Suggestions about duration, selection or evaluation of cluster support.", "", "", ""),
    ("POLICY-SME-INCLUSION", "SME inclusion", "POLICY", "PO3", "F8.08",
        "Suggestions to make programmes reachable for small firms.", "", "", ""),
]
# fmt: on

TECH_PHRASES = [
    "machine learning",
    "collaborative robots",
    "a digital twin",
    "predictive maintenance",
    "OPC UA interfaces",
    "edge computing",
    "machine vision",
    "3D printing",
    "a manufacturing execution system",
    "a cloud ERP",
    "AR glasses for service",
    "sensor retrofits",
]

QUOTES: dict[str, list[str]] = {
    "BARRIER-SKILLS": [
        "We looked at {tech}, but nobody on our team could set it up or keep it running.",
        "Every time we advertise a job for someone who understands {tech}, we get no applicants at all.",
        "We invested in {tech} once, and it sat unused for a year because no one knew how to apply it.",
        "Training our older machinists in {tech} takes months we do not have.",
        "If I had one person who really knows {tech}, we would start tomorrow.",
        "The consultants explain {tech} nicely, but afterwards nobody in-house can carry on.",
    ],
    "BARRIER-SKILLS-DATA": [
        "A data scientist for {tech} is simply out of reach for a firm of our size.",
        "We have plenty of machine data, but nobody who could use it for {tech}.",
        "The only software person we had left, and with him our plans for {tech}.",
    ],
    "BARRIER-COST": [
        "A single cell with {tech} costs more than our whole annual profit.",
        "The price tag for {tech} is fine for an OEM, but for a firm of twenty people it is a huge bet.",
        "The hardware for {tech} is affordable; the integration work is what kills the budget.",
        "For {tech} we would have to stop a machine for weeks, and nobody counts that lost output.",
        "Every offer we got for {tech} started with a number we could not justify to the owners.",
        "We postponed {tech} twice because the investment did not fit into the year.",
    ],
    "BARRIER-ROI": [
        "Nobody can tell me how many euros per part we would save with {tech}, so I cannot decide.",
        "The vendor shows a success story from a big plant, but with our tiny batches the case for {tech} "
        "is unclear.",
        "We are afraid of buying {tech} and finding out in two years that it was the wrong choice.",
        "I need numbers on the payback time of {tech}, not glossy brochures.",
    ],
    "BARRIER-AWARENESS": [
        "Many owners in our network still think Industry 4.0 is something for car makers only.",
        "Before the cluster event I honestly did not know what {tech} could do for a job shop.",
        "A lot of small firms have never heard that {tech} is within reach at their scale.",
        "Management reads about {tech} in the paper but never connects it to its own shop floor.",
    ],
    "BARRIER-STRATEGY": [
        "We start projects because a salesman visits, not because we have a plan.",
        "There is no roadmap; we try {tech} here and there and hope it fits together.",
        "We lack a method to decide which process to digitalise first.",
        "Our digital projects are a patchwork of pilots without a common goal.",
    ],
    "BARRIER-SECURITY": [
        "Once the machines are on the network, who protects them? We have no IT department.",
        "A supplier of ours was hit by ransomware last year; since then nobody wants to connect anything.",
        "Our customer wants live access to machine data, and that worries us from a security point of view.",
        "Connecting {tech} to the office network feels like opening the back door.",
    ],
    "BARRIER-LEGAL": [
        "Nobody can tell us who owns the machine data once it sits in the supplier's cloud.",
        "The data protection rules for camera images on the shop floor are unclear to us.",
        "Before we use {tech} with customer data we need legal advice we cannot afford.",
    ],
    "BARRIER-INTEROP": [
        "Every machine speaks a different language, and each interface for {tech} costs extra.",
        "We are locked into one vendor because their controller will not talk to anything else.",
        "One customer wants data in their format, the next one in another.",
        "Without common standards, connecting {tech} means custom programming every time.",
    ],
    "BARRIER-LEGACY": [
        "Half of our machines are older than our apprentices and have no interface at all.",
        "The old ERP cannot exchange data with {tech}, and replacing it is a project of its own.",
        "Retrofitting sensors to thirty-year-old presses is possible, but every machine is a special case.",
    ],
    "BARRIER-CULTURE": [
        "Our foremen see {tech} as a way to control their work, so they resist it.",
        "The senior staff say it has worked for forty years without screens, so why change now.",
        "Getting people to trust the new system took longer than installing it.",
    ],
    "BARRIER-TIME": [
        "I am the owner, the salesman and the quality manager; when should I study {tech}?",
        "Daily business eats everything, so digital projects happen on Saturday mornings.",
        "We would join more workshops, but nobody can leave the shop floor for a whole day.",
        "By the time I have read the funding guidelines, the deadline has passed.",
    ],
    "BARRIER-FINANCE": [
        "Banks like machines they can repossess, not software or data projects.",
        "Without two years of balance sheets, a loan for {tech} is nearly impossible for a young company.",
        "The grant only pays out after the project, and we cannot pre-finance that.",
        "Investors here prefer pure software; hardware founders have a hard time raising money.",
    ],
    "BARRIER-VENDOR": [
        "Every advisor who visits us also happens to sell the solution they recommend.",
        "We lack someone neutral who tells us whether {tech} is right for us.",
        "After the last system integrator left, we depended on them for every small change.",
    ],
    "CLBAR-FRAGMENTATION": [
        "In our district the firms hardly know each other, even when they supply the same customer.",
        "Before the network started, a foundry and an AI startup would never have met.",
        "Many members only show up for the annual meeting; the rest of the year there is little contact.",
    ],
    "CLBAR-HELIX-GAP": [
        "Researchers think in three-year projects; our customers think in three-week deliveries.",
        "The university talks about publications, the firm about delivery dates, and someone has to "
        "translate.",
        "Student project ideas are great, but firms need results before the next quarter.",
    ],
    "CLBAR-FUNDING-DEP": [
        "Half of our team is paid by a project that ends next year, and then the services stop.",
        "Every three years we have to reinvent the cluster to fit the next funding call.",
        "It is hard to plan long-term services when our budget depends on short calls.",
    ],
    "CLBAR-MISTRUST": [
        "Nobody wants to show a competitor how their line works, so discussions stay on the surface.",
        "In the working group the two big suppliers watch each other, and the small ones keep quiet.",
        "We share problems, but never our solutions; those are our competitive edge.",
    ],
    "CLBAR-CRITICAL-MASS": [
        "In our county maybe five firms work on AI, which is not enough for a real community.",
        "We need more specialists in the region before outside partners take us seriously.",
        "For robotics we are still too few to justify our own test lab.",
        "Out here every expert knows every other expert, and that is the problem.",
    ],
    "CLBAR-BUREAUCRACY": [
        "The voucher application had twelve pages for a project worth eight thousand euros.",
        "Reporting for the funded project took more hours than the technical work.",
        "We gave up on the programme because the eligibility rules changed during the call.",
    ],
    "CLBAR-WEAK-SME": [
        "The steering group is full of large firms and institutes; the small suppliers rarely speak up.",
        "Most events are planned around the interests of the big members.",
    ],
    "ENABLER-ANCHOR": [
        "When the drive maker started its supplier programme, half the region suddenly talked about data.",
        "Our anchor firm opened its pilot plant to the suppliers, and that got the network going.",
        "Without the large manufacturer asking for connected parts, none of us would have moved.",
        "The university institute was the magnet; the first startups all came out of its labs.",
    ],
    "ENABLER-RESEARCH": [
        "The students from the university institutes bring the newest methods into our company.",
        "Our first AI prototype came out of a master's thesis at the local university.",
        "The research institute lends us equipment and people we could never afford.",
        "Having two universities within half an hour is the main reason we stay here.",
    ],
    "ENABLER-CRITICAL-MASS": [
        "Within twenty kilometres you find every step of the drive train value chain.",
        "There are so many machine builders here that every new idea finds a test customer.",
        "The density of suppliers means a problem solved in one firm spreads quickly.",
    ],
    "ENABLER-FUNDING": [
        "The state's start funding gave the cluster office five years to prove itself.",
        "The digitalisation voucher paid half of our first sensor project.",
        "Long-term public support is the reason the network survived its first difficult years.",
    ],
    "ENABLER-CMO-SERVICES": [
        "The cluster manager knows who does what and connects us within a day.",
        "The cluster office is neutral ground; there we can talk to competitors without fear.",
        "Their partner search for funded projects saved us weeks of work.",
        "The hub organised a test day with {tech}, and we could try everything before buying.",
    ],
    "ENABLER-TRUST": [
        "After three years of working group meetings, we call each other when a machine breaks down.",
        "We trust the other members enough to share our scrap rates.",
        "Informal contacts from the regulars' table are worth more than any contract.",
    ],
    "ENABLER-TEST-FACILITIES": [
        "At the learning factory we could see {tech} working under realistic conditions.",
        "The demonstrator at the institute convinced our management more than any slide deck.",
        "Testing {tech} for free in the lab took the fear out of the investment.",
    ],
    "ENABLER-EXTERNAL-LINKS": [
        "Through the cluster we met partners in Austria and Switzerland who work on the same standards.",
        "Our cluster cooperates with two other clusters, which widens the pool of experts a lot.",
        "The delegation trip opened doors to customers we would never have reached alone.",
    ],
    "ENABLER-POLICY-ALIGN": [
        "The cluster's topics fit the regional innovation strategy, which makes funding calls easier.",
        "Because production digitalisation is a priority of the state strategy, our proposals get a hearing.",
        "Aligning our roadmap with the smart specialisation strategy opened new funding lines.",
    ],
    "ENABLER-FINANCE": [
        "The business angels from the network gave us the first money and their contacts.",
        "The investor pitch night led directly to our seed round.",
        "A regional fund that understands hardware is rare, and we were lucky to find one here.",
    ],
    "DRIVER-OEM-PRESSURE": [
        "Our main customer now expects traceability data for every batch.",
        "The OEM made digital quality records a condition for the next contract.",
        "If we cannot deliver process data, the customer will move the part to another supplier.",
    ],
    "DRIVER-EFFICIENCY": [
        "With {tech} we cut set-up times noticeably on the main line.",
        "Energy prices forced us to look at every minute of idle time.",
        "We expect {tech} to reduce scrap, which is our biggest hidden cost.",
    ],
    "DRIVER-LABOUR": [
        "We automate because we cannot find enough people for the night shift.",
        "The cobot does the lifting that our older workers should no longer do.",
        "Automation is our answer to the retirement wave of the next five years.",
    ],
    "INTERACT-ACADEMIA": [
        "We run a joint project with the university on {tech}, with two students in our shop.",
        "The institute analysed our machine data and showed us patterns we had never seen.",
        "A professor visited us after the workshop, and now we have a bachelor thesis on {tech}.",
        "Working with the institute is slow, but the results are solid.",
    ],
    "INTERACT-LARGE": [
        "Our biggest customer sent their engineers to help us set up data exchange.",
        "The supplier development programme of our main customer paid for our first sensors.",
        "We have supplied the large drive maker for twenty years, and they set the pace.",
        "We pass our quality data straight into the customer's portal every day.",
    ],
    "INTERACT-STARTUP": [
        "A startup from the accelerator built a vision prototype for our inspection station.",
        "Working with the young team was fast, but we had to teach them how a factory works.",
        "We let a startup test their algorithm on our line in exchange for a discount.",
    ],
    "INTERACT-CMO-DIH": [
        "The digital hub did a maturity check with us and suggested three first steps.",
        "The cluster office found us a partner for the funded project within a week.",
        "We use the hub's lab days about twice a year to look at {tech}.",
        "The competence centre coached us through our first data project.",
    ],
    "INTERACT-INVESTOR": [
        "We met our lead investor at a cluster event, not through a bank.",
        "The funding agency's advisor helped us turn an idea into a grant application.",
        "Investors asked for industrial pilot customers, and the cluster introduced us to two.",
    ],
    "INTERACT-SME": [
        "The owners of three neighbouring firms meet monthly to compare notes on digital tools.",
        "When our machine builder could not help, another member lent us their technician.",
        "We share a software licence with two other small firms to split the cost.",
    ],
    "INTERACT-TECHPROVIDER": [
        "The local software house adapted their MES to our small batches.",
        "Our integrator knows our machines better than the manufacturer does.",
        "The vendor came for a pilot of {tech} and stayed as a long-term partner.",
    ],
    "GP-DOMINANCE": [
        "What the big OEM decides on data formats becomes law for the whole supply chain.",
        "We depend on one customer for sixty percent of our sales, so we do what they ask.",
        "The anchor firm sets the agenda; the rest of us adapt.",
    ],
    "GP-PROPULSION": [
        "Every new technology the drive maker introduces ripples through its suppliers within a year.",
        "The spin-offs from the institute bring a steady stream of new ideas into the region.",
        "Our decision to build the smart plant here pulled several suppliers into digital projects.",
    ],
    "GP-BACKWARD": [
        "We buy most machined parts within the region, and we pushed our suppliers to digitalise with us.",
        "Our purchasing department now works with local suppliers on shared quality data.",
        "The more the plant grows, the more orders go to the small firms around it.",
    ],
    "GP-FORWARD": [
        "Our sensor modules end up in machines built by half the firms in the cluster.",
        "Our control software now runs in machines built by many firms of the region.",
    ],
    "GP-SPILLOVER": [
        "Engineers who leave the big firms start their own businesses here and take the know-how along.",
        "What one member learns about {tech} is discussed in the working group the next month.",
        "Graduates carry the methods from the lab into the small firms.",
    ],
    "GP-POLARISATION": [
        "Everything new happens around Stuttgart; out here we read about it later.",
        "Talented people and projects are drawn to the centre of the region.",
        "The institutes, the investors and the big plants are all in the same few districts.",
    ],
    "GP-SPREAD": [
        "Our events now reach firms far beyond the core region, even from the Black Forest.",
        "The training programme brought {tech} to thirty small suppliers who had never touched it.",
        "Small firms outside the big cities now use the same test lab as the large members.",
        "The knowledge from the pilot plant reached suppliers in neighbouring districts.",
    ],
    "GP-BACKWASH": [
        "The big firms hire away the few digital experts we manage to train.",
        "Young engineers leave our valley for the car makers in Stuttgart and do not come back.",
        "The funding goes to the big institutes in the centre, and peripheral firms are left with paperwork.",
        "Each time the OEM opens a data team, we lose another good programmer.",
        "As soon as someone here has learned {tech}, a recruiter from Stuttgart calls them.",
        "Projects on {tech} go to the institutes in the city; we only write letters of support.",
        "Our best apprentice now works on {tech} at the big plant, forty minutes away.",
        "Venture money for {tech} stays in the centre; founders out here are told to move.",
        "The big car makers pay a third more, so we train people for them without wanting to.",
        "Since the large plant expanded, we cannot even find a trainee for the night shift.",
    ],
    "GP-MULTIPLIER": [
        "The new plant brought a dozen service firms into the district.",
        "Each euro of the research centre's budget triggers private investment by its partners.",
    ],
    "POLICY-FUNDING": [
        "Vouchers should pay out earlier, so small firms do not have to pre-finance.",
        "A simple grant for first pilots would help more than big research programmes.",
        "Funding should cover integration work, not only hardware.",
    ],
    "POLICY-SOFT": [
        "Matchmaking support is cheap and often more useful than money.",
        "Public money for networking events pays off when the right people meet.",
    ],
    "POLICY-SKILLS": [
        "The vocational schools need labs with current technology, not equipment from the nineties.",
        "Part-time courses for people already in work would close much of our skills gap.",
        "Training in {tech} should be funded like any apprenticeship.",
    ],
    "POLICY-INFRA": [
        "The state should fund shared test beds where SMEs can try {tech} without risk.",
        "Fast internet in the industrial parks would be the first step, before any AI programme.",
        "A public test lab in every district would take the risk out of experiments.",
    ],
    "POLICY-CLUSTER-DESIGN": [
        "Cluster funding should run for ten years, with honest evaluation instead of yearly applications.",
        "Support should go to clusters that actually reach small firms, not those with the nicest reports.",
        "We need indicators of spread to SMEs when clusters are evaluated.",
    ],
    "POLICY-SME-INCLUSION": [
        "Programmes should reserve places for micro firms, or the big members take them all.",
        "Events early in the morning or online would let owner-managers take part.",
        "A quota for small firms in funded projects would change the picture.",
    ],
}

# Some codes sound different when an outsider (hub, university, funder, large firm) speaks about SMEs;
# these pools replace the first-person pools above for the given speaker groups.
OBSERVER = ("support", "academia", "public", "provider")
VOICE_QUOTES: dict[tuple[str, tuple[str, ...]], list[str]] = {
    ("BARRIER-AWARENESS", OBSERVER): [
        "Many owners we visit still think Industry 4.0 is something for car makers only.",
        "Small firms often do not know that {tech} is within reach at their scale.",
        "The first question in most workshops is not how, but why a job shop should care about {tech}.",
        "Awareness is the real bottleneck; the technology itself is ready.",
    ],
    ("BARRIER-STRATEGY", OBSERVER): [
        "Most firms that come to us have tried {tech} somewhere without a plan behind it.",
        "What small firms lack is a method to decide which process to digitalise first.",
        "We see many pilots and very few roadmaps.",
    ],
    ("BARRIER-SKILLS", ("large", "academia", "support")): [
        "Even for a firm of our size it takes half a year to fill a position in {tech}.",
        "There are far fewer people trained in {tech} than the region's firms need.",
        "Our graduates in {tech} have three offers before they finish their thesis.",
    ],
    ("BARRIER-SKILLS-DATA", ("academia", "support")): [
        "The region trains mechanical engineers well, but data specialists for {tech} are scarce.",
        "Small firms ask us for a data scientist, and we have none left to send.",
    ],
    ("BARRIER-VENDOR", ("provider",)): [
        "Firms ask whether we are neutral, and honestly, we sell systems, so they should also ask others.",
        "Customers would profit from independent advice before they talk to vendors like us.",
    ],
    ("BARRIER-SECURITY", ("provider",)): [
        "Our customers ask about security before they ask what {tech} can do for them.",
        "Half of our sales talks about {tech} end up being about firewalls.",
    ],
    ("BARRIER-INTEROP", ("provider",)): [
        "We spend more time writing adapters between machines than on {tech} itself.",
        "Until the machine builders agree on standards, every integration for {tech} is a one-off.",
    ],
    ("CLBAR-WEAK-SME", ("support", "academia", "public")): [
        "We try to reach the small firms, but many see the cluster as a club for the large players.",
        "Small members rarely come to the working groups, even though those are meant for them.",
        "Our member survey shows that small firms read the newsletter but seldom join a project.",
    ],
    ("INTERACT-CMO-DIH", ("support",)): [
        "Last year we ran maturity checks with forty firms, most of them very small.",
        "Our lab days bring {tech} to firms that have never seen such technology running.",
        "Most requests we get from members are simply about where to start.",
        "We found partners for eleven funded projects, mostly pairing a small firm with an institute.",
    ],
    ("ENABLER-CMO-SERVICES", ("support",)): [
        "Our job is to know who does what and to connect people within a day.",
        "We are neutral ground where competitors can talk without fear.",
        "We organised a test day with {tech} so that members could try before buying.",
        "Our partner search for funded projects saves members weeks of work.",
    ],
    ("ENABLER-TEST-FACILITIES", ("academia", "support")): [
        "Our learning factory lets firms see {tech} working under realistic conditions.",
        "Firms that test {tech} in our lab decide faster and with less fear.",
        "The demonstrator convinces managers more than any slide deck we could show.",
    ],
    ("INTERACT-ACADEMIA", ("academia",)): [
        "We run joint projects on {tech} with several suppliers, often with a student placed in the firm.",
        "For a small firm our institute is often the first contact with real data analysis.",
        "Transfer works best when a graduate carries the project into the firm.",
        "A small firm's question about {tech} turned into a three-year research project with them.",
    ],
    ("INTERACT-LARGE", ("large",)): [
        "We send our engineers to help suppliers set up data exchange.",
        "Our supplier development programme paid for the first sensors at several small firms.",
        "Our suppliers pass their quality data straight into our portal every day.",
        "We expect our key suppliers to follow us when we introduce {tech}.",
    ],
    ("INTERACT-INVESTOR", ("public",)): [
        "Our advisors help founders turn an idea into a grant application.",
        "Many firms come to us only after the bank has said no.",
        "We now sit on the jury of the pitch night, which brings us closer to the founders.",
    ],
    ("ENABLER-RESEARCH", ("academia",)): [
        "Our students bring the newest methods into the firms where they write their theses.",
        "Most of the region's AI startups began as projects in our labs.",
        "We lend equipment and people to firms that could never afford them alone.",
    ],
}

PAIR_QUOTES: dict[tuple[str, str], list[str]] = {
    ("BARRIER-SKILLS", "POLICY-SKILLS"): [
        "We cannot find anyone who knows {tech}, so the region needs part-time courses for people at work.",
        "The skills gap is our biggest problem, and the schools should teach {tech} now, not in ten years.",
        "Our people want to learn {tech}, but there is no funded course anywhere near us.",
    ],
    ("BARRIER-COST", "ENABLER-FUNDING"): [
        "Without the voucher we could never have paid for {tech}; it covered half the cost.",
        "The subsidy made {tech} affordable for a firm of our size.",
    ],
    ("ENABLER-ANCHOR", "GP-PROPULSION"): [
        "When the drive maker switched to connected assembly, it pulled its whole supplier base along.",
        "The anchor firm's pilot plant became the engine for digital projects in the whole district.",
    ],
    ("GP-SPREAD", "ENABLER-CMO-SERVICES"): [
        "Through the cluster office our training reached firms in Karlsruhe and Reutlingen as well.",
        "The hub's roadshow brought {tech} to small firms far outside the core region.",
    ],
    ("GP-BACKWASH", "BARRIER-SKILLS"): [
        "We trained two people in {tech}, and both moved to the big plant for more money.",
        "The large firms drain the labour market, so small suppliers cannot keep their digital talent.",
    ],
    ("BARRIER-INTEROP", "BARRIER-LEGACY"): [
        "Our old controllers have no standard interface, so every connection for {tech} is handmade.",
        "Old machines plus missing standards mean we write an adapter for every line.",
    ],
    ("INTERACT-CMO-DIH", "ENABLER-TEST-FACILITIES"): [
        "The hub let us test {tech} in their lab for two weeks before we spent anything.",
        "The demonstrator day organised by the cluster office showed us {tech} on our own parts.",
    ],
    ("GP-DOMINANCE", "INTERACT-LARGE"): [
        "The customer dictates the data format, and we pay for the interface ourselves.",
        "Our main customer helps us, but on their terms and with their systems.",
    ],
    ("CLBAR-FUNDING-DEP", "POLICY-CLUSTER-DESIGN"): [
        "Our services stop whenever a project ends, so cluster funding should be planned for a decade.",
        "Short calls force us to chase money; longer funding with evaluation would let us serve members.",
    ],
    ("BARRIER-COST", "BARRIER-ROI"): [
        "The investment in {tech} is high and nobody can tell us when it pays back.",
        "For {tech} we see a large bill today and an uncertain benefit later.",
    ],
}

# How often each speaker group talks about each code (relative weights).
# fmt: off
CODE_WEIGHTS: dict[str, dict[str, int]] = {
    "sme": {"BARRIER-SKILLS": 16, "BARRIER-SKILLS-DATA": 3, "BARRIER-COST": 14, "BARRIER-ROI": 6,
        "BARRIER-TIME": 6, "BARRIER-AWARENESS": 3, "BARRIER-STRATEGY": 4, "BARRIER-LEGACY": 4,
        "BARRIER-INTEROP": 3, "BARRIER-SECURITY": 3, "BARRIER-FINANCE": 3, "BARRIER-VENDOR": 4,
        "BARRIER-CULTURE": 2, "BARRIER-LEGAL": 1, "INTERACT-CMO-DIH": 5, "INTERACT-LARGE": 4,
        "INTERACT-ACADEMIA": 3, "INTERACT-SME": 3, "INTERACT-TECHPROVIDER": 3, "ENABLER-CMO-SERVICES": 4,
        "ENABLER-TEST-FACILITIES": 3, "ENABLER-TRUST": 2, "GP-BACKWASH": 4, "GP-SPREAD": 2, "GP-DOMINANCE": 2,
        "DRIVER-OEM-PRESSURE": 4, "DRIVER-EFFICIENCY": 2, "CLBAR-WEAK-SME": 3, "CLBAR-BUREAUCRACY": 2,
        "POLICY-FUNDING": 2, "POLICY-SME-INCLUSION": 2, "CLBAR-MISTRUST": 1},
    "startup": {"BARRIER-FINANCE": 6, "BARRIER-SKILLS": 5, "BARRIER-SKILLS-DATA": 3, "BARRIER-COST": 4,
        "INTERACT-INVESTOR": 5, "INTERACT-LARGE": 4, "INTERACT-ACADEMIA": 4, "INTERACT-STARTUP": 4,
        "ENABLER-FINANCE": 3, "ENABLER-RESEARCH": 4, "GP-PROPULSION": 2, "GP-POLARISATION": 2,
        "CLBAR-BUREAUCRACY": 3, "ENABLER-TEST-FACILITIES": 2, "CLBAR-MISTRUST": 2, "POLICY-FUNDING": 2,
        "GP-BACKWASH": 1, "BARRIER-LEGAL": 2},
    "provider": {"BARRIER-AWARENESS": 3, "BARRIER-INTEROP": 3, "INTERACT-TECHPROVIDER": 5,
        "BARRIER-VENDOR": 2, "GP-FORWARD": 3, "ENABLER-CMO-SERVICES": 2, "BARRIER-SECURITY": 2,
        "DRIVER-EFFICIENCY": 2},
    "large": {"ENABLER-ANCHOR": 5, "GP-PROPULSION": 4, "GP-BACKWARD": 5, "GP-FORWARD": 2, "GP-DOMINANCE": 3,
        "DRIVER-EFFICIENCY": 4, "DRIVER-LABOUR": 4, "INTERACT-LARGE": 5, "INTERACT-ACADEMIA": 4,
        "INTERACT-STARTUP": 3, "BARRIER-INTEROP": 3, "BARRIER-LEGACY": 2, "BARRIER-SECURITY": 3,
        "BARRIER-SKILLS": 1, "CLBAR-MISTRUST": 2, "GP-SPILLOVER": 3, "ENABLER-CRITICAL-MASS": 3,
        "POLICY-SKILLS": 2, "GP-MULTIPLIER": 3, "BARRIER-LEGAL": 1},
    "academia": {"ENABLER-RESEARCH": 6, "GP-SPILLOVER": 5, "CLBAR-HELIX-GAP": 5, "INTERACT-ACADEMIA": 5,
        "ENABLER-TEST-FACILITIES": 4, "POLICY-SKILLS": 3, "BARRIER-AWARENESS": 2, "GP-BACKWASH": 2,
        "ENABLER-ANCHOR": 2, "CLBAR-FUNDING-DEP": 2, "GP-PROPULSION": 2, "ENABLER-EXTERNAL-LINKS": 2,
        "BARRIER-SKILLS-DATA": 1},
    "support": {"ENABLER-CMO-SERVICES": 5, "GP-SPREAD": 5, "CLBAR-FUNDING-DEP": 4, "CLBAR-WEAK-SME": 4,
        "CLBAR-FRAGMENTATION": 3, "INTERACT-CMO-DIH": 4, "ENABLER-TRUST": 3, "BARRIER-AWARENESS": 3,
        "BARRIER-STRATEGY": 2, "ENABLER-EXTERNAL-LINKS": 3, "POLICY-SOFT": 2, "POLICY-CLUSTER-DESIGN": 2,
        "GP-POLARISATION": 1, "ENABLER-FUNDING": 2, "ENABLER-CRITICAL-MASS": 1, "POLICY-SME-INCLUSION": 1},
    "public": {"POLICY-FUNDING": 5, "POLICY-CLUSTER-DESIGN": 4, "POLICY-INFRA": 4, "POLICY-SME-INCLUSION": 3,
        "ENABLER-POLICY-ALIGN": 4, "ENABLER-FUNDING": 4, "CLBAR-BUREAUCRACY": 2, "GP-SPREAD": 2,
        "GP-POLARISATION": 2, "GP-MULTIPLIER": 2, "POLICY-SOFT": 2, "INTERACT-INVESTOR": 2},
}
# fmt: on
# The emerging cluster's focus group talks more about missing critical mass and the pull of Stuttgart.
EMERGING_EXTRA = {"CLBAR-CRITICAL-MASS": 4, "CLBAR-FRAGMENTATION": 3, "GP-BACKWASH": 5, "GP-POLARISATION": 3}

# fmt: off
PAIR_WEIGHTS: dict[str, list[tuple[tuple[str, str], int]]] = {
    "sme": [(("BARRIER-SKILLS", "POLICY-SKILLS"), 3), (("BARRIER-COST", "ENABLER-FUNDING"), 2),
        (("GP-BACKWASH", "BARRIER-SKILLS"), 2), (("BARRIER-INTEROP", "BARRIER-LEGACY"), 2),
        (("INTERACT-CMO-DIH", "ENABLER-TEST-FACILITIES"), 2), (("GP-DOMINANCE", "INTERACT-LARGE"), 2),
        (("BARRIER-COST", "BARRIER-ROI"), 2)],
    "startup": [(("BARRIER-COST", "ENABLER-FUNDING"), 1), (("GP-BACKWASH", "BARRIER-SKILLS"), 1)],
    "provider": [(("BARRIER-INTEROP", "BARRIER-LEGACY"), 1)],
    "large": [(("ENABLER-ANCHOR", "GP-PROPULSION"), 3)],
    "academia": [(("ENABLER-ANCHOR", "GP-PROPULSION"), 1), (("BARRIER-SKILLS", "POLICY-SKILLS"), 1)],
    "support": [(("GP-SPREAD", "ENABLER-CMO-SERVICES"), 3),
        (("CLBAR-FUNDING-DEP", "POLICY-CLUSTER-DESIGN"), 2)],
    "public": [(("CLBAR-FUNDING-DEP", "POLICY-CLUSTER-DESIGN"), 1)],
}
# fmt: on
PAIR_SHARE = 0.14
# Second-coder disagreements swap a code for a close neighbour.
NEIGHBOUR_CODE = {
    "BARRIER-COST": "BARRIER-ROI",
    "BARRIER-ROI": "BARRIER-COST",
    "BARRIER-SKILLS": "BARRIER-SKILLS-DATA",
    "BARRIER-TIME": "BARRIER-SKILLS",
    "ENABLER-CMO-SERVICES": "INTERACT-CMO-DIH",
    "INTERACT-CMO-DIH": "ENABLER-CMO-SERVICES",
    "GP-SPREAD": "GP-SPILLOVER",
    "ENABLER-ANCHOR": "GP-PROPULSION",
}

# --------------------------------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------------------------------
# fmt: off
SURVEY_ITEMS = [
    ("Q01", "Membership in the cluster helps our organisation adopt Industry 4.0 technologies.",
        "cluster-support"),
    ("Q02", "The cluster's events and services are relevant to our needs.", "cluster-support"),
    ("Q03", "The cluster helps us find partners for digital projects.", "cluster-support"),
    ("Q04", "Our management has a clear plan for digitalising our processes.", "adoption-readiness"),
    ("Q05", "We have the in-house skills to introduce new digital technologies.", "adoption-readiness"),
    ("Q06", "Our machines and software can be connected to new digital solutions without major changes.",
        "adoption-readiness"),
    ("Q07", "The investment cost of Industry 4.0 technologies is a major obstacle for us.", "barriers"),
    ("Q08", "Finding staff with digital skills is a major obstacle for us.", "barriers"),
    ("Q09", "It is hard for us to judge the return on a digital investment.", "barriers"),
    ("Q10", "We regularly work with universities or research institutes on new technologies.",
        "collaboration"),
    ("Q11", "We exchange experience on digitalisation with other firms in the region.", "collaboration"),
    ("Q12", "Large firms in the region share knowledge with smaller suppliers.", "collaboration"),
]
# fmt: on
CONSTRUCT_MEANS = {
    # actor type: (cluster-support, adoption-readiness, barriers, collaboration)
    "A01.1": (3.3, 2.0, 4.3, 2.2),
    "A01.2": (3.5, 2.5, 4.0, 2.6),
    "A01.3": (3.4, 3.1, 3.5, 3.0),
    "A01.4": (2.7, 4.3, 2.2, 3.9),
    "A01.5": (3.0, 3.9, 3.4, 3.8),
    "A01.6": (3.3, 4.4, 2.4, 3.5),
    "A02": (3.9, 3.6, 2.8, 4.4),
    "A03": (3.8, 3.8, 2.6, 4.5),
    "A07": (4.2, 3.0, 3.2, 4.0),
}
CONSTRUCT_INDEX = {"cluster-support": 0, "adoption-readiness": 1, "barriers": 2, "collaboration": 3}
# actor type, how many respondents, organisations that answered (the rest stay unlinked)
RESPONDENT_PLAN = [
    ("A01.1", 8, [28, 29, 30, 31, 33, 35]),
    ("A01.2", 10, [14, 15, 16, 18, 19, 21, 22, 26]),
    ("A01.3", 6, [5, 6, 9, 10, 12]),
    ("A01.5", 6, [37, 38, 41, 43, 44]),
    ("A01.4", 3, [1, 2, 3]),
    ("A01.6", 3, [45, 46, 50]),
    ("A02", 1, [55]),
    ("A03", 1, [57]),
    ("A07", 2, [62, 63]),
]
UNLINKED_NUTS = ["DE111", "DE113", "DE115", "DE116", "DE118", "DE11D", "DE123", "DE141"]

# --------------------------------------------------------------------------------------------------
# Digital maturity (EDIH Digital Maturity Assessment, six dimensions scored 0-100; a few acatech stages)
# --------------------------------------------------------------------------------------------------
# The maturity rows draw from a generator of their own, so adding them left every other table unchanged.
MATURITY_SEED = SEED + 12
DMA_DIMENSIONS = ("DMA1", "DMA2", "DMA3", "DMA4", "DMA5", "DMA6")
# T0 level by actor type and each dimension's usual offset from it (readiness ahead, automation behind).
DMA_BASE = {"A01.1": 27, "A01.2": 34, "A01.3": 42, "A01.5": 47}
DMA_PROFILE = (2, 7, -1, -3, -7, -4)
# Mean gain (points) from T0 to T1: reached by the established cluster's activities, reached only by
# the emerging network's, reached by neither.
DMA_GAIN = {"established": (12.0, 18.0), "emerging": (3.0, 7.0), "none": (2.0, 5.0)}
# Firms assessed at T0 only (they dropped out before T1), and one firm assessed a third time after the
# study period (its T1 stays its latest assessment inside the period).
DMA_T0_ONLY = (17, 26, 40)
DMA_AFTER_PERIOD = 15
# acatech Industrie 4.0 Maturity Index checks for a few medium-sized firms: (firm, stage at T0, at T1).
ACATECH_STAGES = [(5, "AC2", "AC3"), (7, "AC2", "AC3"), (9, "AC1", "AC2"), (11, "AC1", "AC1")]


# --------------------------------------------------------------------------------------------------
# Builders: each returns (header, rows); rows are lists of strings.
# --------------------------------------------------------------------------------------------------
# Column order of every table, from the Table Schemas that also drive the checks.
HEADERS = {name: [f.name for f in schema.fields] for name, schema in load_schemas().items()}


def cell(value: object) -> str:
    """Render one CSV cell: None becomes empty, everything else ``str``."""
    return "" if value is None else str(value)


def build_organisations() -> tuple[list[str], list[list[str]]]:
    """The organisations table."""
    # The columns the sample fills, in schema order: the optional ones it leaves out (a free-text actor
    # subtype, places, identifiers, contacts) are not written, as a package may leave them out.
    used = (
        "id",
        "name",
        "actor_type",
        "size_class",
        "employees",
        "founded",
        "nuts",
        "nace",
        "website",
        "wikidata",
    )
    header = [name for name in HEADERS["organisations"] if name in used]
    rows = []
    for number, name, actor, employees, founded, nuts, nace, has_site in ORGANISATIONS:
        website = f"https://example.org/{oid(number)}" if has_site else ""
        size = size_class(actor, employees)
        rows.append([oid(number), name, actor, size, cell(employees), cell(founded), nuts, nace, website, ""])
    return header, rows


def build_clusters() -> tuple[list[str], list[list[str]]]:
    """The clusters table."""
    header = HEADERS["clusters"]
    return header, [[cell(v) for v in row] for row in CLUSTERS]


def build_memberships(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    """Memberships with roles and dates; one member left the established cluster at the end of 2020."""
    header = HEADERS["memberships"]
    rows = []
    for cluster, members in MEMBERS.items():
        first_year = 2011 if cluster == ESTABLISHED else 2020
        for number in members:
            role = MEMBERSHIP_ROLES[cluster].get(number, "MR1")
            if cluster == ESTABLISHED and number in (1, 53, 58, 2):
                year = first_year
            elif cluster == ESTABLISHED:
                year = rng.randint(max(2011, ORG_FOUNDED[oid(number)]), 2020)
            else:
                year = 2020 if number in (42, 59, 60, 54) else rng.choice((2020, 2021))
            month = rng.randint(1, 12) if not (cluster == EMERGING and year == 2021) else rng.randint(1, 5)
            since = f"{year}-{month:02d}-01"
            until = "2020-12-31" if (cluster == ESTABLISHED and number == 31) else ""
            rows.append([cluster, oid(number), role, since, until])
    return header, rows


def build_interactions(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    """Directed, typed interactions with intensity, year and evidence."""
    header = HEADERS["interactions"]
    rows = []
    for source, targets, itype, linkage, (imin, imax), (ymin, ymax), evidence, repeats in INTERACTION_SPECS:
        for target in targets:
            # nobody interacts before it was founded
            first = max(ymin, ORG_FOUNDED[oid(source)], ORG_FOUNDED[oid(target)])
            years = sorted(rng.sample(range(first, ymax + 1), repeats))
            for year in years:
                k = 1 if len(evidence) == 1 else rng.choice((1, 1, 2))
                cited = sorted(rng.sample(evidence, k))
                intensity = rng.randint(imin, imax)
                rows.append(
                    [oid(source), oid(target), itype, linkage, str(intensity), str(year), ";".join(cited)]
                )
    return header, [[f"ix-{i:03d}", *row] for i, row in enumerate(rows, start=1)]


def evidence_of(org: str) -> list[str]:
    """Sources in which an organisation spoke or answered (for adoption evidence)."""
    found = {source for _, number, _, source in PARTICIPANTS if number is not None and oid(number) == org}
    for _, _, linked in RESPONDENT_PLAN:
        if org in {oid(n) for n in linked}:
            found.add("SW1")
    return sorted(found) or ["DOC1"]


def build_adoptions(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    """Technology adoptions: large firms mostly in use, SMEs mostly planned or piloting."""
    header = HEADERS["adoptions"]
    rows = []
    for number, _, actor, *_ in ORGANISATIONS:
        group = GROUP_OF_TYPE.get(actor)
        if group is None:
            continue
        pool = TECH_POOLS[group][:]
        rng.shuffle(pool)
        chosen: list[str] = []
        for tech in pool:
            if tech.split(".")[0] not in {c.split(".")[0] for c in chosen}:
                chosen.append(tech)
            if len(chosen) == TECH_COUNT[group]:
                break
        for tech in chosen:
            status = rng.choices(("AS1", "AS2", "AS3", "AS4"), weights=STATUS_WEIGHTS[group])[0]
            year = {
                "AS1": 2021,
                "AS2": rng.randint(2020, 2021),
                "AS3": rng.randint(max(2014, ORG_FOUNDED[oid(number)]), 2021),
                "AS4": rng.randint(2018, 2020),
            }[status]
            rows.append([oid(number), tech, status, str(year), ";".join(evidence_of(oid(number)))])
    return header, rows


def build_activities() -> tuple[list[str], list[list[str]]]:
    """Capacity-building activities."""
    header = HEADERS["activities"]
    rows = []
    for number, title, atype, provider, cluster, start, end, techs, addresses, nuts, _, _ in ACTIVITIES:
        rows.append(
            [f"act-{number:02d}", title, atype, oid(provider), cluster, start, end, techs, addresses, nuts]
        )
    return header, rows


def build_participations(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    """Participations: SMEs and startups as beneficiaries, a few other roles; some from outside DE11."""
    header = HEADERS["participations"]
    rows = []
    outside_turn = 0
    for number, _, _, provider, cluster, _, _, _, _, _, count, others in ACTIVITIES:
        # every second activity of the established cluster also reaches a firm outside DE11;
        # in the emerging cluster only the matchmaking day does
        if cluster == EMERGING:
            pool, outside = EMERGING_BENEFICIARIES, EMERGING_OUTSIDE
            take_outside = number == 28
        else:
            pool, outside = CORE_BENEFICIARIES, OUTSIDE_BENEFICIARIES
            take_outside = cluster == ESTABLISHED and number % 2 == 1
        busy = {provider, *(org for org, _ in others)}
        chosen = rng.sample([n for n in pool if n not in busy], count)
        if take_outside:
            candidates = [n for n in outside if n not in busy]
            chosen[-1] = candidates[outside_turn % len(candidates)]
            outside_turn += 1
        act = f"act-{number:02d}"
        for org in sorted(chosen):
            rows.append([act, oid(org), "PR1"])
        for org, role in others:
            rows.append([act, oid(org), role])
    return header, rows


def build_sources() -> tuple[list[str], list[list[str]]]:
    """Focus groups, interviews, the survey wave and one document."""
    header = HEADERS["sources"]
    return header, [
        [sid, kind, title, date, cell(n), lang, cell(length)]
        for sid, kind, title, date, n, lang, length, _, _ in SOURCES
    ]


def build_participants() -> tuple[list[str], list[list[str]]]:
    """Pseudonymous speakers, some linked to their organisation."""
    header = HEADERS["participants"]
    return header, [[f"P{n:02d}", oid(o) if o else "", actor, source] for n, o, actor, source in PARTICIPANTS]


def build_codebook() -> tuple[list[str], list[list[str]]]:
    """The local codebook mapped onto the reference coding frame."""
    header = HEADERS["codebook"]
    rows = [
        [code, label, parent, definition, polarity, maps_to, include, exclude, example]
        for code, label, parent, polarity, maps_to, definition, include, exclude, example in CODEBOOK
    ]
    return header, rows


def quotes_for(code: str, group: str) -> list[str]:
    """The quote templates fitting ``code`` said by a speaker of ``group``."""
    for (voiced, groups), templates in VOICE_QUOTES.items():
        if voiced == code and group in groups:
            return templates
    return QUOTES[code]


class QuotePicker:
    """Hands out invented quotes so that no quote is used twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def pick(self, templates: list[str]) -> str | None:
        """A fresh quote from ``templates`` (filling ``{tech}``), or None when all are used up."""
        options = []
        for template in templates:
            if "{tech}" in template:
                options.extend(template.format(tech=t) for t in TECH_PHRASES)
            else:
                options.append(template)
        fresh = [q for q in options if q not in self.used]
        if not fresh:
            return None
        quote = self.rng.choice(fresh)
        self.used.add(quote)
        return quote[0].upper() + quote[1:]


def build_segments(rng: random.Random) -> tuple[list[str], list[list[str]]]:
    """Coded segments with offsets, speakers and coders; some double-coded by the second coder."""
    header = HEADERS["segments"]
    picker = QuotePicker(rng)
    speakers_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for number, _, actor, source in PARTICIPANTS:
        speakers_of[source].append((f"P{number:02d}", SPEAKER_GROUP[actor]))
    drafted: list[tuple[str, int, str, str, str, str]] = []  # source, start, codes, speaker, quote, coder
    for sid, _, _, _, _, _, length, n_segments, coders in SOURCES:
        if n_segments == 0:
            continue
        slot = length // n_segments
        for index in range(n_segments):
            speaker, group = rng.choice(speakers_of[sid])
            weights = dict(CODE_WEIGHTS[group])
            if sid == "FG3":
                for code, extra in EMERGING_EXTRA.items():
                    weights[code] = weights.get(code, 0) + extra
            quote, codes = None, ""
            pairs = PAIR_WEIGHTS.get(group, [])
            if pairs and rng.random() < PAIR_SHARE:
                pair = rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]
                quote = picker.pick(PAIR_QUOTES[pair])
                codes = ";".join(pair)
            while quote is None:
                names = sorted(c for c, w in weights.items() if w > 0)
                code = rng.choices(names, weights=[weights[c] for c in names])[0]
                quote = picker.pick(quotes_for(code, group))
                codes = code
                weights[code] = 0
            start = index * slot + rng.randint(40, slot - len(quote) - 40)
            coder = coders if coders in ("C1", "C2") else ("C1" if index < n_segments // 2 else "C2")
            drafted.append((sid, start, codes, speaker, quote, coder))
    # The other coder re-codes about a quarter of the focus-group segments to check agreement;
    # about a third of those re-codings swap the first code for a close neighbour (a disagreement).
    doubles = []
    for sid, start, codes, speaker, quote, coder in drafted:
        if sid.startswith("FG") and rng.random() < 0.25:
            other = "C2" if coder == "C1" else "C1"
            first, *rest = codes.split(";")
            swap = NEIGHBOUR_CODE.get(first)
            if rng.random() < 0.3 and swap and swap not in rest:
                codes = ";".join([swap, *rest])
            doubles.append((sid, start, codes, speaker, quote, other))
    order = {s[0]: i for i, s in enumerate(SOURCES)}
    everything = sorted(drafted + doubles, key=lambda s: (order[s[0]], s[1], s[5]))
    rows = []
    for i, (sid, start, codes, speaker, quote, coder) in enumerate(everything, start=1):
        rows.append([f"seg-{i:03d}", sid, codes, speaker, str(start), str(start + len(quote)), quote, coder])
    return header, rows


def build_survey(rng: random.Random) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Survey items, respondents and their Likert answers."""
    items = [[item, text, "1-5", construct] for item, text, construct in SURVEY_ITEMS]
    respondents = []
    responses = []
    number = 0
    for actor, count, linked in RESPONDENT_PLAN:
        for k in range(count):
            number += 1
            rid = f"R{number:02d}"
            if k < len(linked):
                org = oid(linked[k])
                nuts = ORG_NUTS[org]
            else:
                org = ""
                nuts = rng.choice(UNLINKED_NUTS)
            respondents.append([rid, actor, org, nuts])
            for item, _, construct in SURVEY_ITEMS:
                mean = CONSTRUCT_MEANS[actor][CONSTRUCT_INDEX[construct]]
                value = min(5, max(1, round(mean + rng.gauss(0, 0.7))))
                responses.append([rid, item, str(value)])
    return items, respondents, responses


def reached_by(tables: dict[str, tuple[list[str], list[list[str]]]]) -> dict[str, set[str]]:
    """Organisations each cluster's activities reached as beneficiaries (role PR1)."""
    cluster_of = {row[0]: row[4] for row in tables["activities"][1]}
    reached: dict[str, set[str]] = defaultdict(set)
    for activity, org, role in tables["participations"][1]:
        if role == "PR1" and cluster_of[activity]:
            reached[cluster_of[activity]].add(org)
    return reached


def _day(rng: random.Random, first: str, span: int) -> str:
    return (dt.date.fromisoformat(first) + dt.timedelta(days=rng.randint(0, span))).isoformat()


def _dma_scores(rng: random.Random, start: list[int], gain: float) -> list[int]:
    """Dimension scores after a mean gain of ``gain`` points: uneven per dimension, exact on the mean."""
    deltas = [round(gain + rng.uniform(-4, 4)) for _ in start]
    # Put the rounding and noise into the last dimension so the six deltas sum to 6 x gain.
    deltas[-1] += round(gain * len(start)) - sum(deltas)
    return [max(0, min(100, score + delta)) for score, delta in zip(start, deltas, strict=True)]


def build_maturity(tables: dict[str, tuple[list[str], list[list[str]]]]) -> tuple[list[str], list[list[str]]]:
    """DMA assessments at T0 (early 2020) and T1 (spring 2021) of every SME and startup, a few acatech stages.

    Firms reached by the established cluster's activities gain clearly more than the others; firms
    reached only by the emerging network gain a little.
    """
    header = HEADERS["maturity"]
    rng = random.Random(MATURITY_SEED)
    reached = reached_by(tables)
    rows: list[list[str]] = []
    for number, _, actor, *_ in ORGANISATIONS:
        if actor not in DMA_BASE:
            continue
        org = oid(number)
        group = "none"
        if org in reached[ESTABLISHED]:
            group = "established"
        elif org in reached[EMERGING]:
            group = "emerging"
        t0 = [max(5, min(95, DMA_BASE[actor] + offset + rng.randint(-6, 6))) for offset in DMA_PROFILE]
        gain = round(rng.uniform(*DMA_GAIN[group]), 1)
        dates = [(_day(rng, "2020-02-03", 56), t0)]
        if number not in DMA_T0_ONLY:
            dates.append((_day(rng, "2021-03-01", 91), _dma_scores(rng, t0, gain)))
        if number == DMA_AFTER_PERIOD:
            dates.append((_day(rng, "2021-10-04", 30), _dma_scores(rng, dates[-1][1], 3.0)))
        for date, scores in dates:
            for dimension, score in zip(DMA_DIMENSIONS, scores, strict=True):
                rows.append([org, date, "DMA", dimension, str(score), "", ""])
    for number, first, second in ACATECH_STAGES:
        org = oid(number)
        evidence = ";".join(evidence_of(org))
        rows.append([org, _day(rng, "2020-05-04", 25), "ACATECH", "", "", first, evidence])
        rows.append([org, _day(rng, "2021-04-06", 25), "ACATECH", "", "", second, evidence])
    rows.sort(key=lambda row: (row[0], row[1], row[2], row[3]))
    return header, rows


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------
# The sample's organisations have one site each, so it has no sites.csv.
TABLE_ORDER = [name for name in TABLES if name != "sites"]


def build_tables() -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every table of the package, built from one seeded generator in a fixed order."""
    rng = random.Random(SEED)
    tables = {
        "organisations": build_organisations(),
        "clusters": build_clusters(),
        "memberships": build_memberships(rng),
        "interactions": build_interactions(rng),
        "adoptions": build_adoptions(rng),
        "activities": build_activities(),
        "participations": build_participations(rng),
        "sources": build_sources(),
        "participants": build_participants(),
        "codebook": build_codebook(),
        "segments": build_segments(rng),
    }
    items, respondents, responses = build_survey(rng)
    tables["survey_items"] = (HEADERS["survey_items"], items)
    tables["respondents"] = (HEADERS["respondents"], respondents)
    tables["survey_responses"] = (HEADERS["survey_responses"], responses)
    tables["maturity"] = build_maturity(tables)
    return tables


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write one table as UTF-8 CSV with LF line ends (byte-stable on every platform)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


DESCRIPTOR_HEAD = f"""\
# Sample study package of ICGP. Generated by scripts/make_sample_study.py; do not edit by hand.
# The study is INVENTED for demonstrating and testing the toolkit (see README.md).
name: {STUDY_ID}
title: Industry 4.0 capacity building in two innovation clusters of the Stuttgart region (invented sample)
description: >-
  A made-up, pseudonymised study of two innovation clusters in the NUTS-2 region DE11 (Stuttgart):
  an established smart-production cluster with a gold label and an emerging AI and robotics network.
  Organisations, people, quotes and survey answers are fictitious; only the NUTS and NACE codes are
  real. It is NOT the data of Anand and Naegele (ICPR 2021), whose study inspired the toolkit.
version: 1.0.0
licenses:
  - name: CC-BY-4.0
    path: https://creativecommons.org/licenses/by/4.0/
    title: Creative Commons Attribution 4.0
contributors:
  - title: ICGP developers
    role: author
    organization: ICGP project
period:
  start: {PERIOD[0]}
  end: {PERIOD[1]}
region: {CORE_REGION}
methods: [focus-group, interview, survey, content-analysis]
language: en
base: https://w3id.org/icgp/id/
# Everything here is invented, so quotes and answers may be published.
public:
  quotes: true
  responses: true
resources:
"""


def descriptor_text() -> str:
    """The datapackage.yaml text (written by hand so the script needs no YAML library)."""
    lines = [DESCRIPTOR_HEAD]
    for name in TABLE_ORDER:
        lines.append(f"  - name: {name}\n    path: {name}.csv\n    schema: {name}\n")
    return "".join(lines)


def facts(tables: dict[str, tuple[list[str], list[list[str]]]]) -> dict[str, str]:
    """Numbers the README quotes; computed from the tables so they never drift."""
    orgs = {r[0]: r for r in tables["organisations"][1]}
    partners: dict[str, set[str]] = defaultdict(set)
    for row in tables["interactions"][1]:
        partners[row[1]].add(row[2])
        partners[row[2]].add(row[1])
    ranking = sorted(partners, key=lambda o: (-len(partners[o]), o))
    top = ", ".join(f"{orgs[o][1]} ({len(partners[o])})" for o in ranking[:4])
    cluster_of = {r[0]: r[4] for r in tables["activities"][1]}
    reached: dict[str, set[str]] = defaultdict(set)
    for activity, org, role in tables["participations"][1]:
        if role == "PR1" and orgs[org][2] in (*SME_TYPES, "A01.5") and cluster_of[activity]:
            reached[cluster_of[activity]].add(org)
    spread = {
        c: (len(v), sum(1 for o in v if not orgs[o][6].startswith(CORE_REGION))) for c, v in reached.items()
    }
    group_of_speaker = {r[0]: r[2] for r in tables["participants"][1]}
    maps = {r[0]: r[5] for r in tables["codebook"][1]}
    # Passages (source and offsets), as the queries count them: two coders' segments on one count once.
    counts: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    hits: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    coders: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in tables["segments"][1]:
        passage = (row[1], row[4], row[5])
        coders[passage].add(row[7])
        actor = group_of_speaker[row[3]]
        group = "sme" if actor in (*SME_TYPES, "A01.5") else "large" if actor == "A01.4" else ""
        if not group:
            continue
        counts[group].add(passage)
        if any(maps[c] in ("F3.01", "F3.03") for c in row[2].split(";")):
            hits[group].add(passage)
    focus_groups = [p for p in coders if p[0].startswith("FG")]
    double = sum(1 for p in focus_groups if len(coders[p]) > 1)
    status: dict[str, Counter[str]] = defaultdict(Counter)
    for org, _, st, _, _ in tables["adoptions"][1]:
        kind = "large" if orgs[org][2] == "A01.4" else "sme" if orgs[org][2] in SME_TYPES else ""
        if kind:
            status[kind][st] += 1
    return {
        **maturity_facts(tables),
        "top": top,
        "spread_est": "{} SMEs and startups, {} of them outside DE11".format(*spread[ESTABLISHED]),
        "spread_emg": "{} SMEs and startups, {} of them outside DE11".format(*spread[EMERGING]),
        "barrier_sme": f"{len(hits['sme'])} of {len(counts['sme'])}",
        "barrier_large": f"{len(hits['large'])} of {len(counts['large'])}",
        "double_coded": f"In all, {double} of the {len(focus_groups)} focus-group passages",
        "inuse_large": f"{status['large']['AS3']} of {sum(status['large'].values())}",
        "inuse_sme": f"{status['sme']['AS3']} of {sum(status['sme'].values())}",
    }


def maturity_facts(tables: dict[str, tuple[list[str], list[list[str]]]]) -> dict[str, str]:
    """The README's maturity numbers: firms with T0 and T1, mean gains of the reached groups."""
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for org, date, framework, _, score, _, _ in tables["maturity"][1]:
        if framework == "DMA" and PERIOD[0] <= date <= PERIOD[1]:
            scores[org][date].append(float(score))
    gains: dict[str, float] = {}
    for org, by_date in scores.items():
        dates = sorted(by_date)
        if len(dates) >= 2:
            first, last = (round(sum(by_date[d]) / len(by_date[d]), 2) for d in (dates[0], dates[-1]))
            gains[org] = last - first
    reached = reached_by(tables)
    types = {row[0]: row[2] for row in tables["organisations"][1]}
    members = {org for cluster, org, *_ in tables["memberships"][1] if cluster == ESTABLISHED}
    unreached = {o for o in members if types[o] in (*SME_TYPES, "A01.5")} - reached[ESTABLISHED]
    established = [g for org, g in gains.items() if org in reached[ESTABLISHED]]
    emerging = [g for org, g in gains.items() if org in reached[EMERGING] and org not in reached[ESTABLISHED]]
    acatech = len({row[0] for row in tables["maturity"][1] if row[2] == "ACATECH"})
    return {
        "dma_firms": str(len(scores)),
        "dma_pairs": str(len(gains)),
        "gain_est": f"{sum(established) / len(established):.1f} points ({len(established)} firms)",
        "gain_emg": f"{sum(emerging) / len(emerging):.1f} points ({len(emerging)} firms)",
        "acatech": (
            f"{acatech} medium-sized firms also have an acatech Industrie 4.0 Maturity Index stage at both "
            "dates."
        ),
        "unreached": (
            "Every SME and startup member of the established cluster was reached by one of its activities,\n"
            "  so the assessment compares its firms with the assessed firms it did not reach (those only\n"
            "  the emerging network reached)."
            if not unreached
            else f"{len(unreached)} SME and startup members of the established cluster were not reached by\n"
            "  its activities."
        ),
    }


def readme_text(tables: dict[str, tuple[list[str], list[list[str]]]]) -> str:
    """data/README.md: what the sample is (and is not), what is in it and how it was made."""
    f = facts(tables)
    counts = "\n".join(f"| `{name}.csv` | {len(tables[name][1])} |" for name in TABLE_ORDER)
    return f"""\
# ICGP sample study: `{STUDY_ID}`

**This is an invented study.** It is NOT the data of the study in the seed paper (Anand and Naegele,
"Innovation Clusters as Growth Poles to Propel Industry 4.0 Capacity Building of SMEs and Startups",
ICPR 2021), and it does not describe any real cluster, firm or person. It was made up to demonstrate
and test the ICGP toolkit: every saved query and the growth-pole assessment have something plausible
to find in it.

- Organisation names, participants, quotes and survey answers are fictitious and pseudonymised.
  Websites point to `example.org`; no Wikidata ids are given.
- The places are real: organisations sit in real NUTS-3 regions (NUTS 2024) of the Stuttgart region
  DE11, with a few in the neighbouring NUTS-2 regions DE12 (Karlsruhe) and DE14 (Tübingen). NACE Rev. 2
  codes are real classes.
- Licence: CC-BY-4.0 (see `datapackage.yaml`).

## The story

Two clusters in DE11, observed from January 2020 to June 2021:

- **Neckar Smart Production Cluster** (established 2011, life-cycle stage "sustainment", gold label),
  managed by the cluster organisation *Neckar Smart Production e.V.*. Its anchors are a large drive
  maker and a university of technology; a machine-tool builder is a propulsive actor; the cluster
  organisation and a digital innovation hub are brokers.
- **Ostalb AI and Robotics Network** (founded 2020, stage "emergence", no label) around a young
  robotics startup, with a small new network association; the hub is a broker in both clusters.

Data: three focus groups, six interviews, one survey wave (40 respondents, 12 Likert items), the
cluster's annual report and digital maturity assessments of the SMEs and startups. Two coders (C1, C2)
applied a local codebook that maps onto the ICGP reference coding frame (F1 enablers, F2 cluster
barriers, F3 adoption barriers, F4 drivers, F5 interactions, F7 growth-pole mechanisms, F8 policy).
{f["double_coded"]} were coded by both coders, some codes by only one.

Interactions are directed; `linkage` is read from the source's point of view: LK1 the source buys
from the target (backward linkage), LK2 the source sells to the target (forward linkage), LK3 a
knowledge linkage.

## Built-in patterns

- The two anchors have the most interaction partners, followed by the two brokers:
  {f["top"]}.
- The hub bridges SMEs and universities or institutes: it serves SMEs and startups, is tied to every
  university and research institute, and lies on more SME-to-academia shortest paths than any other
  organisation.
- SMEs and startups cite high investment cost (F3.01) or the skills shortage (F3.03) in
  {f["barrier_sme"]} of their coded passages, large firms in {f["barrier_large"]}.
- Large firms use {f["inuse_large"]} of their adopted technologies; SMEs (micro, small, medium) use
  {f["inuse_sme"]}, the rest being mostly planned or piloted.
- The established cluster's activities reached {f["spread_est"]};
  the emerging cluster's reached {f["spread_emg"]}.
- Digital maturity: {f["dma_firms"]} SMEs and startups took the EDIH Digital Maturity Assessment (six
  dimensions scored 0-100; the overall score is their mean) in February or March 2020 (T0), and
  {f["dma_pairs"]} of them again between March and May 2021 (T1); one firm was assessed a third time after
  the study period. Firms reached by the established cluster's activities gained {f["gain_est"]}
  on the mean score, firms reached only by the emerging network's {f["gain_emg"]}.
  {f["unreached"]}
  {f["acatech"]}
- Survey means differ by actor type: micro and small firms agree most with the barrier items, large
  firms, startups and technology providers most with the readiness items.

## What the growth-pole assessment finds

`icgp assess` scores both clusters over the study period with the model in
`queries/assessment/model.yaml` (`docs/assessment.md` explains it):

- The **Neckar Smart Production Cluster** comes out as a **pole** at roadmap stage **RM6** (spread
  beyond the core): three anchors and propulsive actors start much of the internal traffic, members add
  technologies, linkages are dense and reach academia, and its activities reach 32 SMEs and startups whose
  maturity gain exceeds that of the firms it did not reach by about ten points, while backwash is a
  minor theme in what its members say. Its stage rests on polarisation (GP-C5) only just above the RM2
  threshold: few members joined in the period and none of its members spoke of attraction.
- The **Ostalb AI and Robotics Network** comes out as an **emerging pole** at stage **RM4** (build SME
  capacity): it attracts members and startups and is densely linked, but it has no dominant core yet
  (GP-C1), so RM5 is out of reach; its activities reach fewer firms, whose maturity gain lags behind,
  and its members speak of backwash risk more often. The barrier its SMEs cite most is the skills
  shortage; learning factories, hackathons and joint R&D projects, which address the barriers its SMEs
  cite, exist elsewhere in the data but not in the network.
- Both verdicts are robust: no threshold or weight of the model moved by 20 % changes them.

## Tables

| file | rows |
|---|---|
{counts}

`maturity.csv` (optional in a study package) holds the digital maturity assessments: one row per
organisation, date, framework and dimension. DMA rows (EDIH Digital Maturity Assessment) give a
dimension DMA1-DMA6 and its score from 0 to 100; the build turns each organisation and date into one
maturity assessment whose overall score is the mean of its six dimension scores. ACATECH rows give an
acatech Industrie 4.0 Maturity Index stage AC1-AC6 and cite the sources that reported it.

## Regenerating

The package is written by `scripts/make_sample_study.py` (standard library only, fixed seed);
running it again gives byte-identical files:

```
python scripts/make_sample_study.py            # rewrites data/
python scripts/make_sample_study.py --out DIR  # writes a copy into DIR
```
"""


def write_package(out: Path) -> None:
    """Write the descriptor, every table and the README into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables()
    (out / "datapackage.yaml").write_text(descriptor_text(), encoding="utf-8", newline="\n")
    for name in TABLE_ORDER:
        header, rows = tables[name]
        write_csv(out / f"{name}.csv", header, rows)
    (out / "README.md").write_text(readme_text(tables), encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Write the ICGP sample study package.")
    default = Path(__file__).resolve().parent.parent / "data"
    parser.add_argument("--out", type=Path, default=default, help=f"output folder (default: {default})")
    args = parser.parse_args(argv)
    write_package(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
