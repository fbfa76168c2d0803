"""Header de-identification: profile actions, UID remapping, identity values."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from dicomgen import make_dataset
from pydicom.dataset import Dataset

from plugin.core import header

KEY = b"unit-test-key"
UID_RE = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
TEXT_VRS = {
    "AE",
    "AS",
    "CS",
    "DA",
    "DS",
    "DT",
    "IS",
    "LO",
    "LT",
    "PN",
    "SH",
    "ST",
    "TM",
    "UC",
    "UI",
    "UR",
    "UT",
}


def _instance(sop: str = "1.2.826.0.1.3680043.8.498.1003", **kwargs: object) -> Dataset:
    return make_dataset("MONOCHROME2", 8, 8, False, 1, 16, 16, sop_uid=sop, **kwargs)


def _anonymized(ds: Dataset, key: bytes = KEY, *, clean: bool = True) -> Dataset:
    header.anonymize_header(
        ds, key=key, pixels_clean=clean, burned_in_annotation_removed=clean
    )
    return ds


def _strings(ds: Dataset) -> Iterator[str]:
    for elem in ds.iterall():
        if elem.VR not in TEXT_VRS or elem.value is None:
            continue
        values = elem.value if isinstance(elem.value, list | tuple) else [elem.value]
        for value in values:
            yield str(value)
    if hasattr(ds, "file_meta"):
        for elem in ds.file_meta:
            if elem.VR in TEXT_VRS:
                yield str(elem.value)


def test_no_identity_value_left_anywhere() -> None:
    ds = _instance()
    identity = header.identity_values(ds)
    assert len(identity) > 20
    strings = [s.upper() for s in _strings(_anonymized(ds))]
    for entity, keyword, value in identity:
        needle = value.upper()
        for text in strings:
            # Short components ("Q") would match anything: compare them whole.
            leaked = needle == text or (len(needle) >= 4 and needle in text)
            assert not leaked, f"{entity} {keyword} survived"


def test_private_icon_and_overlays_removed() -> None:
    ds = _anonymized(_instance())
    assert not any(elem.tag.is_private for elem in ds.iterall())
    assert "IconImageSequence" not in ds
    assert not [e for e in ds if 0x6000 <= e.tag.group <= 0x601E]


def test_identity_values_types_and_components() -> None:
    values = header.identity_values(_instance())
    rows = set(values)
    assert ("PERSON", "PatientName", "DOE^JANE^Q") in rows
    assert ("PERSON", "PatientName", "DOE") in rows
    assert ("PERSON", "PatientName", "JANE") in rows
    assert ("ID", "PatientID", "MRN48213977") in rows
    assert (
        "ID",
        "PatientID",
        "NESTED-PID-5512",
    ) in rows  # from OtherPatientIDsSequence
    assert ("ID", "OtherPatientIDs", "OPID7782") in rows
    assert ("DATE_TIME", "PatientBirthDate", "19800214") in rows
    assert ("DATE_TIME", "StudyTime", "101530") in rows
    assert ("ORGANIZATION", "InstitutionName", "Springfield General Hospital") in rows
    assert ("LOCATION", "PatientAddress", "42 Evergreen Terrace Springfield") in rows
    assert ("PHONE_NUMBER", "PatientTelephoneNumbers", "555-0142") in rows
    assert ("PERSON", "OperatorsName", "SMITHERS") in rows
    assert len(values) == len(rows)
    assert all(value for _, _, value in values)
    assert {e for e, _, _ in values} <= {
        "PERSON",
        "ID",
        "DATE_TIME",
        "LOCATION",
        "ORGANIZATION",
        "PHONE_NUMBER",
    }


def test_device_words_name_the_equipment_but_no_identity() -> None:
    ds = _instance()
    ds.Manufacturer = "Springfield Imaging Systems"  # a capture tool's maker
    ds.ManufacturerModelName = "Vista 3"
    assert header.device_words(ds) == {"IMAGING", "SYSTEMS", "VISTA"}


def test_identity_values_skip_empty() -> None:
    ds = _instance()
    ds.ReferringPhysicianName = ""
    ds.StationName = None
    keywords = {keyword for _, keyword, _ in header.identity_values(ds)}
    assert "ReferringPhysicianName" not in keywords
    assert "StationName" not in keywords


def test_uids_consistent_within_study_and_keyed() -> None:
    first = _instance("1.2.826.0.1.3680043.8.498.2001")
    second = _instance("1.2.826.0.1.3680043.8.498.2002")
    originals = (first.StudyInstanceUID, first.SOPInstanceUID)
    a, b = _anonymized(first), _anonymized(second)
    assert a.StudyInstanceUID == b.StudyInstanceUID != originals[0]
    assert a.SeriesInstanceUID == b.SeriesInstanceUID
    assert a.FrameOfReferenceUID == b.FrameOfReferenceUID
    assert a.SOPInstanceUID != b.SOPInstanceUID
    assert a.StudyInstanceUID == header.remap_uid(originals[0], KEY)
    assert a.SOPInstanceUID == header.remap_uid(originals[1], KEY)
    for ds in (a, b):
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.7"  # not an identifying UID
        ref = ds.ReferencedImageSequence[0]
        assert ref.ReferencedSOPInstanceUID == header.remap_uid(
            "1.2.826.0.1.3680043.8.498.1999", KEY
        )
    other = _anonymized(_instance("1.2.826.0.1.3680043.8.498.2001"), key=b"other-key")
    assert other.StudyInstanceUID != a.StudyInstanceUID


@pytest.mark.parametrize(
    "root", ["2.25.", "1.2.826.0.1.3680043.8.498", "1.2.3." + "9" * 50]
)
def test_remap_uid_valid_and_deterministic(root: str) -> None:
    uid = "1.2.840.113619.2.55.3.604688119.969.1268071029.320"
    new = header.remap_uid(uid, KEY, root)
    assert new == header.remap_uid(uid, KEY, root)
    assert new != header.remap_uid(uid, b"another", root)
    assert new != header.remap_uid(uid + "1", KEY, root)
    assert len(new) <= 64
    assert UID_RE.match(new)
    assert new.startswith(root.rstrip(".") + ".")


def test_remap_uid_rejects_bad_root() -> None:
    with pytest.raises(ValueError):
        header.remap_uid("1.2.3", KEY, "1.02.")
    with pytest.raises(ValueError):
        header.remap_uid("1.2.3", KEY, "1." + "2" * 70 + ".")


def test_patient_pseudonym_stable_per_patient() -> None:
    a = _anonymized(_instance("1.2.3.1"))
    b = _anonymized(_instance("1.2.3.2", study_uid="1.2.3.99"))
    assert str(a.PatientName) == str(b.PatientName)
    assert a.PatientID == b.PatientID
    assert re.fullmatch(r"ANON\^[0-9A-F]{8}", str(a.PatientName))
    assert re.fullmatch(r"ANON[0-9A-F]{10}", a.PatientID)
    other = _instance(
        "1.2.3.3", identity={"PatientID": "ANOTHER-1", "PatientName": "X^Y"}
    )
    assert _anonymized(other).PatientID != a.PatientID
    assert _anonymized(_instance("1.2.3.4"), key=b"k2").PatientID != a.PatientID


@pytest.mark.parametrize("clean", [True, False])
def test_deidentification_attributes(clean: bool) -> None:
    ds = _anonymized(_instance(), clean=clean)
    assert ds.PatientIdentityRemoved == "YES"
    codes = [item.CodeValue for item in ds.DeidentificationMethodCodeSequence]
    assert codes == (["113100", "113101"] if clean else ["113100"])
    assert all(
        item.CodingSchemeDesignator == "DCM"
        for item in ds.DeidentificationMethodCodeSequence
    )
    assert ds.BurnedInAnnotation == ("NO" if clean else "YES")
    methods = list(ds.DeidentificationMethod)
    assert any(header.TOOL_NAME in m for m in methods)
    assert all(len(m) <= 64 for m in methods)  # LO


def test_profile_actions_applied() -> None:
    ds = _anonymized(_instance())
    assert "OtherPatientIDs" not in ds  # X
    assert "PatientAddress" not in ds  # X
    assert (
        "InstitutionName" not in ds
        or ds.InstitutionName != "Springfield General Hospital"
    )
    assert ds.StudyDate != "20240315"  # Z
    assert ds.Modality == "OT"  # not in the table: kept
    assert ds.PatientSex == ""  # Z: emptied, kept for Type 2
    assert "OtherPatientIDsSequence" not in ds
    request = ds.get("RequestAttributesSequence")
    if request:
        assert all(
            item.get("AccessionNumber", "") != "ACC-NESTED-77" for item in request
        )


def test_no_values_logged(caplog: pytest.LogCaptureFixture) -> None:
    ds = _instance()
    identity = header.identity_values(ds)
    with caplog.at_level(logging.DEBUG, logger="plugin"):
        _anonymized(ds)
    assert caplog.records
    for _, _, value in identity:
        if len(value) >= 4:
            assert value not in caplog.text
