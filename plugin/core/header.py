"""Header de-identification of the redacted copy (DICOM PS3.15 Annex E).

The attribute actions come from the ``dicomanonymizer`` package, whose tables are
generated from PS3.15 Table E.1-1 (the newest table it ships is used). Only the
tables and its VR-aware dummy values are reused; the actions are applied here
because the package's own runner (1) remaps UIDs randomly, which would split one
study into many, (2) only visits top-level attributes, while the profile applies
to attributes nested in sequences too.

How the compound actions of Table E.1-1 are resolved (the same choices as
``dicomanonymizer``): Z/D, X/D and X/Z/D replace with a dummy, X/Z empties,
X/Z/U* keeps sequences but de-identifies their items and remaps their UIDs. A
D action on a sequence de-identifies its items rather than replacing every
nested value with a dummy. Attributes absent from the table are kept (the
profile retains them), private attributes are removed, and so are the Icon
Image Sequence and every overlay group (60xx) that carries Overlay Data,
because both can hold pixels with burned-in text.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Iterator

from dicomanonymizer import simpledicomanonymizer as _dcm_anon
from dicomanonymizer.dicomfields_selector import dicom_anonymization_database_selector
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.tag import BaseTag, Tag
from pydicom.valuerep import PersonName

__all__ = [
    "PROFILE_TABLE",
    "anonymize_header",
    "device_words",
    "identity_values",
    "patient_pseudonym",
    "remap_uid",
]

logger = logging.getLogger(__name__)

TOOL_NAME = "Orthanc PixelRedaction plugin"

# Newest first: the package gains a table per DICOM release it tracks.
_TABLE_VERSIONS = ("dicomfields_2026c", "dicomfields_2024b", "dicomfields_2023")
_CATEGORIES = {
    "X_TAGS": "X",
    "Z_TAGS": "Z",
    "D_TAGS": "D",
    "U_TAGS": "U",
    "Z_D_TAGS": "Z/D",
    "X_Z_TAGS": "X/Z",
    "X_D_TAGS": "X/D",
    "X_Z_D_TAGS": "X/Z/D",
    "X_Z_U_STAR_TAGS": "X/Z/U*",
}


def _load_table() -> tuple[str, dict[int, str], list[tuple[int, int, int, int, str]]]:
    for version in _TABLE_VERSIONS:
        try:
            tables = dicom_anonymization_database_selector(version)
        except ValueError:
            continue
        exact: dict[int, str] = {}
        masked: list[tuple[int, int, int, int, str]] = []
        # Same precedence as dicomanonymizer.initialize_actions: later
        # categories overwrite earlier ones for a tag listed twice.
        for name in (
            "D_TAGS",
            "Z_TAGS",
            "X_TAGS",
            "U_TAGS",
            "Z_D_TAGS",
            "X_Z_TAGS",
            "X_D_TAGS",
            "X_Z_D_TAGS",
            "X_Z_U_STAR_TAGS",
        ):
            for entry in tables[name]:
                if len(entry) == 2:
                    exact[int(Tag(entry[0], entry[1]))] = _CATEGORIES[name]
                else:
                    group, element, gmask, emask = entry
                    masked.append((group, element, gmask, emask, _CATEGORIES[name]))
        return version, exact, masked
    raise ImportError("dicomanonymizer ships no known PS3.15 table")


PROFILE_VERSION, PROFILE_TABLE, _MASKED_TABLE = _load_table()
"""Table E.1-1 from ``dicomanonymizer``: tag (as int) -> action (``X``, ``Z``...)."""

_UID_ROOT = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))*\.$")


def remap_uid(uid: str, key: bytes, root: str = "2.25.") -> str:
    """Map a UID to a new one, deterministically under ``key``.

    Parameters
    ----------
    uid
        The original UID.
    key
        Secret key; the same key gives the same mapping, so instances of one
        study stay together across runs.
    root
        Root of the new UID. With the default ``2.25.`` the suffix is a 128-bit
        integer, as for UUID-derived UIDs (PS3.5 B.2).

    Returns
    -------
    str
        A valid UID of at most 64 characters.

    Raises
    ------
    ValueError
        ``root`` is not a UID prefix or leaves no room for a suffix.
    """
    if not root.endswith("."):
        root += "."
    if not _UID_ROOT.match(root):
        raise ValueError(f"UID root {root!r} is not a valid UID prefix")
    room = 64 - len(root)
    if room < 1:
        raise ValueError(f"UID root {root!r} is too long")
    digest = hmac.new(key, uid.strip("\x00 ").encode("ascii"), hashlib.sha256).digest()
    number = int.from_bytes(digest[:16], "big")
    suffix = str(number)[:room]  # a decimal integer never starts with 0 unless it is 0
    return root + suffix


def copy_seal(ds: Dataset, key: bytes) -> str:
    """The De-identification Method value that marks ``ds`` (an anonymized copy)
    as this tool's, keyed: the tool's name and an HMAC of the copy's SOP Instance
    UID. A file whose header only names the tool (forged, or written under another
    key) is no copy of ours and is redacted like any original."""
    uid = str(ds.get("SOPInstanceUID", "")).strip("\x00 ")
    digest = hmac.new(key, b"copy\x00" + uid.encode("ascii", "replace"), hashlib.sha256)
    return f"{TOOL_NAME} #{digest.hexdigest()[:16]}"


def is_sealed_copy(ds: Dataset, key: bytes) -> bool:
    """Whether ``ds`` carries :func:`copy_seal` for its own SOP Instance UID."""
    method = ds.get("DeidentificationMethod")
    if method is None:
        return False
    values = [method] if isinstance(method, str) else list(method)
    seal = copy_seal(ds, key)
    return any(hmac.compare_digest(str(v), seal) for v in values)


def patient_pseudonym(ds: Dataset, key: bytes) -> tuple[str, str]:
    """The deterministic (PatientName, PatientID) replacing the patient's identity.

    Derived from the keyed hash of the original Patient ID (Patient's Name when
    there is none), so one patient keeps one pseudonym across studies.
    """
    source = str(ds.get("PatientID", "") or "") or str(ds.get("PatientName", "") or "")
    digest = hmac.new(key, b"patient\x00" + source.encode("utf-8"), hashlib.sha256)
    hexed = digest.hexdigest().upper()
    return f"ANON^{hexed[:8]}", f"ANON{hexed[:10]}"


def _action_for(tag: BaseTag) -> str | None:
    action = PROFILE_TABLE.get(int(tag))
    if action is not None:
        return action
    for group, element, gmask, emask, masked_action in _MASKED_TABLE:
        if (
            tag.group & gmask == group & gmask
            and tag.element & emask == element & emask
        ):
            return masked_action
    return None


def _remap_element(elem: DataElement, key: bytes, root: str) -> None:
    if elem.value is None or elem.value == "":
        return
    if isinstance(elem.value, MultiValue | list):
        elem.value = [remap_uid(str(v), key, root) for v in elem.value if v]
    else:
        elem.value = remap_uid(str(elem.value), key, root)


def _dummy(elem: DataElement, fill: Callable[[DataElement], None], ds: Dataset) -> None:
    try:
        fill(elem)
    except NotImplementedError:
        # dicomanonymizer has no dummy for OW/OF/... binary VRs; removing is the
        # one action the profile always tolerates for such attributes.
        del ds[elem.tag]


def _deidentify(ds: Dataset, key: bytes, root: str, counts: dict[str, int]) -> None:
    for tag in list(ds.keys()):
        elem = ds[tag]
        if tag.is_private:
            del ds[tag]
            counts["private"] += 1
            continue
        action = _action_for(tag)
        if action is None or action == "K":
            if elem.VR == "SQ":
                _deidentify_items(elem, key, root, counts)
            continue
        counts[action] = counts.get(action, 0) + 1
        if action == "X":
            del ds[tag]
        elif elem.VR == "SQ":
            if action in ("Z", "X/Z"):
                elem.value = Sequence()
            else:
                _deidentify_items(elem, key, root, counts)
        elif elem.VR == "UI" and action in ("U", "D", "Z/D", "X/D", "X/Z/D", "X/Z/U*"):
            _remap_element(elem, key, root)
        elif action in ("Z", "X/Z", "X/Z/U*"):
            _dummy(elem, _dcm_anon.empty_element, ds)
        else:
            _dummy(elem, _dcm_anon.replace_element, ds)


def _deidentify_items(
    elem: DataElement, key: bytes, root: str, counts: dict[str, int]
) -> None:
    for item in elem.value or ():
        _deidentify(item, key, root, counts)


def remove_pixel_side_channels(ds: Dataset) -> dict[str, int]:
    """Remove the Icon Image Sequence and every overlay group (60xx) of ``ds``:
    pictures beside Pixel Data that may show text. Returns what was removed."""
    removed = {"icon": 0, "overlay_groups": 0}
    if "IconImageSequence" in ds:
        del ds.IconImageSequence
        removed["icon"] = 1
    # PS3.3 C.9.2: overlays live in repeating groups 6000-601E (even). A group
    # without Overlay Data describes an overlay embedded in Pixel Data's unused
    # high bits (retired, Overlay Bit Position), cleared when the pixels are
    # written; its description goes too.
    overlay_groups = {
        elem.tag.group
        for elem in ds
        if 0x6000 <= elem.tag.group <= 0x601E and elem.tag.group % 2 == 0
    }
    for group in overlay_groups:
        for tag in [elem.tag for elem in ds if elem.tag.group == group]:
            del ds[tag]
    removed["overlay_groups"] = len(overlay_groups)
    return removed


def anonymize_header(
    ds: Dataset,
    *,
    key: bytes,
    uid_root: str = "2.25.",
    pixels_clean: bool,
    burned_in_annotation_removed: bool,
) -> None:
    """De-identify ``ds`` in place with the Basic Application Level Confidentiality Profile.

    Parameters
    ----------
    ds
        The copy to de-identify (file meta included).
    key
        Key of the UID and patient pseudonym mapping (never logged).
    uid_root
        Root of remapped UIDs.
    pixels_clean
        The pixel data was checked and cleaned: adds the Clean Pixel Data Option
        code (113101) to the De-identification Method Code Sequence.
    burned_in_annotation_removed
        Sets Burned In Annotation to ``NO``; otherwise an existing value is kept
        and an absent one becomes ``YES`` (nothing vouches for the pixels).

    Notes
    -----
    Only counts are logged, never values.
    """
    pseudonym_name, pseudonym_id = patient_pseudonym(ds, key)
    removed = remove_pixel_side_channels(ds)
    counts: dict[str, int] = {"private": 0}
    _deidentify(ds, key, uid_root, counts)
    meta = getattr(ds, "file_meta", None)
    if meta is not None:
        if "SOPInstanceUID" in ds:
            meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        for elem in meta:
            if elem.tag != 0x00020003 and _action_for(elem.tag) == "U":
                _remap_element(elem, key, uid_root)

    ds.PatientName = pseudonym_name
    ds.PatientID = pseudonym_id
    ds.PatientIdentityRemoved = "YES"
    methods = [
        copy_seal(ds, key),
        "PS3.15 E.1 Basic Profile",
        f"dicomanonymizer table {PROFILE_VERSION}",
        "UIDs remapped by keyed HMAC-SHA256",
        "Private attributes removed",
    ]
    if pixels_clean:
        methods.append("Clean Pixel Data: burned-in text redacted")
    ds.DeidentificationMethod = methods
    codes = [("113100", "Basic Application Confidentiality Profile")]
    if pixels_clean:
        codes.append(("113101", "Clean Pixel Data Option"))
    items = []
    for value, meaning in codes:
        item = Dataset()
        item.CodeValue = value
        item.CodingSchemeDesignator = "DCM"
        item.CodeMeaning = meaning
        items.append(item)
    ds.DeidentificationMethodCodeSequence = Sequence(items)
    if burned_in_annotation_removed:
        ds.BurnedInAnnotation = "NO"
    elif not ds.get("BurnedInAnnotation"):
        ds.BurnedInAnnotation = "YES"
    logger.info(
        "Header de-identified (%s): actions %s, icon removed %d, overlay groups removed %d",
        PROFILE_VERSION,
        dict(sorted(counts.items())),
        removed["icon"],
        removed["overlay_groups"],
    )


# Attributes whose values may be burned into pixels, with the Presidio entity
# type they are searched as.
_IDENTITY_KEYWORDS: dict[str, str] = {
    "PatientName": "PERSON",
    "OtherPatientNames": "PERSON",
    "PatientBirthName": "PERSON",
    "PatientMotherBirthName": "PERSON",
    "ReferringPhysicianName": "PERSON",
    "PerformingPhysicianName": "PERSON",
    "OperatorsName": "PERSON",
    "NameOfPhysiciansReadingStudy": "PERSON",
    "PhysiciansOfRecord": "PERSON",
    "RequestingPhysician": "PERSON",
    "ScheduledPerformingPhysicianName": "PERSON",
    "ResponsiblePerson": "PERSON",
    "PatientID": "ID",
    "OtherPatientIDs": "ID",
    "IssuerOfPatientID": "ID",
    "AccessionNumber": "ID",
    "StudyID": "ID",
    "MedicalRecordLocator": "ID",
    "StationName": "ID",
    "DeviceSerialNumber": "ID",
    "RequestedProcedureID": "ID",
    "PerformedProcedureStepID": "ID",
    "ScheduledProcedureStepID": "ID",
    "AdmissionID": "ID",
    "PatientInsurancePlanCodeSequence": "ID",
    "MilitaryRank": "ID",
    "PatientBirthDate": "DATE_TIME",
    "PatientBirthTime": "DATE_TIME",
    "StudyDate": "DATE_TIME",
    "SeriesDate": "DATE_TIME",
    "AcquisitionDate": "DATE_TIME",
    "ContentDate": "DATE_TIME",
    "StudyTime": "DATE_TIME",
    "SeriesTime": "DATE_TIME",
    "AcquisitionTime": "DATE_TIME",
    "ContentTime": "DATE_TIME",
    "AcquisitionDateTime": "DATE_TIME",
    "PerformedProcedureStepStartDate": "DATE_TIME",
    "PerformedProcedureStepStartTime": "DATE_TIME",
    "InstitutionName": "ORGANIZATION",
    "InstitutionalDepartmentName": "ORGANIZATION",
    "InstitutionAddress": "LOCATION",
    "PatientAddress": "LOCATION",
    "ReferringPhysicianAddress": "LOCATION",
    "CountryOfResidence": "LOCATION",
    "RegionOfResidence": "LOCATION",
    "PatientTelephoneNumbers": "PHONE_NUMBER",
    "ReferringPhysicianTelephoneNumbers": "PHONE_NUMBER",
}

# Attributes naming the equipment: its maker and model stand on many screens.
_DEVICE_KEYWORDS = ("Manufacturer", "ManufacturerModelName")

_PN_PARTS = ("family_name", "given_name", "middle_name", "name_prefix", "name_suffix")


def _walk(ds: Dataset) -> Iterator[DataElement]:
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value or ():
                yield from _walk(item)
        else:
            yield elem


def identity_values(ds: Dataset) -> list[tuple[str, str, str]]:
    """Header values that identify the patient or study and could be burned in.

    Parameters
    ----------
    ds
        The original dataset (before :func:`anonymize_header`); nested
        sequences are searched too.

    Returns
    -------
    list[tuple[str, str, str]]
        ``(entity_type, keyword, value)`` without duplicates or empty values;
        person names also yield their non-empty components. Entity types are
        ``PERSON``, ``ID``, ``DATE_TIME``, ``LOCATION``, ``ORGANIZATION``,
        ``PHONE_NUMBER``.
    """
    found: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(entity: str, keyword: str, value: str) -> None:
        value = value.strip("\x00 ")
        row = (entity, keyword, value)
        if value and row not in seen:
            seen.add(row)
            found.append(row)

    for elem in _walk(ds):
        entity = _IDENTITY_KEYWORDS.get(elem.keyword)
        if entity is None or elem.value is None:
            continue
        values = (
            elem.value if isinstance(elem.value, MultiValue | list) else [elem.value]
        )
        for value in values:
            if value is None:
                continue
            add(entity, elem.keyword, str(value))
            if elem.VR == "PN":
                name = (
                    value if isinstance(value, PersonName) else PersonName(str(value))
                )
                for part in _PN_PARTS:
                    add(entity, elem.keyword, str(getattr(name, part, "") or ""))
    return found


def device_words(
    ds: Dataset, identity: list[tuple[str, str, str]] | None = None
) -> frozenset[str]:
    """The words (upper-cased, two letters at least) of the equipment's maker and
    model in the header ("ACME Synthetic" gives ACME, SYNTHETIC), but none that
    is also a word of a value of ``identity`` (:func:`identity_values`, read
    from ``ds`` when not given): a capture tool may write the institution as its
    maker."""
    if identity is None:
        identity = identity_values(ds)
    taken = {
        w.upper() for _, _, value in identity for w in re.findall(r"[^\W_]+", value)
    }
    words = set()
    for keyword in _DEVICE_KEYWORDS:
        value = str(ds.get(keyword, "") or "")
        words.update(w.upper() for w in re.findall(r"[^\W_]+", value))
    return frozenset(w for w in words if len(w) >= 2 and w not in taken)
