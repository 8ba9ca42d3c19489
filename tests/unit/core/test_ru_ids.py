import pytest
from pydantic import TypeAdapter, ValidationError

from tessera.core.ru_ids import INN, KPP, OGRN


@pytest.mark.parametrize("inn, kept", [("7707083893", "7707083893"), ("7736207543", "7736207543"),
                                       ("500100732259", "500100732259"), (" 7707083893 ", "7707083893"),
                                       ("77070838９3", "7707083893")])  # a full-width digit is a digit
def test_valid_inn_kept_compact(inn: str, kept: str) -> None:
    assert TypeAdapter(INN).validate_python(inn) == kept


@pytest.mark.parametrize("inn", ["7707083894", "500100732258", "123", "", "77070838931", "770708389a"])
def test_invalid_inn(inn: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(INN).validate_python(inn)


def test_kpp_and_ogrn() -> None:
    assert TypeAdapter(KPP).validate_python(" 773601001") == "773601001"
    assert TypeAdapter(KPP).validate_python("7736AB001") == "7736AB001"
    for bad in ("77360100", "7736ab001"):
        with pytest.raises(ValidationError):
            TypeAdapter(KPP).validate_python(bad)
    assert TypeAdapter(OGRN).validate_python("1027700132195")  # Сбербанк
    assert TypeAdapter(OGRN).validate_python("304500116000157")  # ОГРНИП
    with pytest.raises(ValidationError):
        TypeAdapter(OGRN).validate_python("1027700132194")


def test_pydantic_types_explain_without_repeating_the_value() -> None:
    with pytest.raises(ValidationError, match="Not a valid ИНН") as caught:
        TypeAdapter(INN).validate_python("7707083894")
    error = caught.value.errors()[0]
    assert error["type"] == "inn_invalid" and "7707083894" not in error["msg"]
    with pytest.raises(ValidationError, match="КПП"):
        TypeAdapter(KPP).validate_python("x")
    with pytest.raises(ValidationError, match="ОГРН"):
        TypeAdapter(OGRN).validate_python("1")


def test_bik_and_account_control_keys() -> None:
    from tessera.core.ru_ids import BIK, correspondent_account_matches, settlement_account_matches

    assert TypeAdapter(BIK).validate_python(" 044525225 ") == "044525225"
    for bad in ("04452522", "0445252251", "04452522a"):
        with pytest.raises(ValidationError, match="БИК"):
            TypeAdapter(BIK).validate_python(bad)
    # Сбербанк and Т-Банк (Moscow), with their published correspondent accounts
    assert correspondent_account_matches("30101810400000000225", "044525225")
    assert correspondent_account_matches("30101810145250000974", "044525974")
    assert not correspondent_account_matches("30101810145250000974", "044525225")  # another bank's
    assert not correspondent_account_matches("30101810500000000225", "044525225")  # key digit changed
    assert settlement_account_matches("40702810438000034726", "044525225")
    for changed in ("40702810438000034727", "40702810538000034726", "4070281043800003472", "4070281043800003472x"):
        assert not settlement_account_matches(changed, "044525225")
    assert not settlement_account_matches("40702810438000034726", "044525974")  # a Сбербанк account at Т-Банк
