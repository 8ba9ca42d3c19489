import pytest
from pydantic import TypeAdapter, ValidationError

from tessera.core.ru_ids import INN, KPP, OGRN, valid_inn, valid_kpp, valid_ogrn


@pytest.mark.parametrize("inn", ["7707083893", "7736207543", "500100732259"])
def test_valid_inn(inn: str) -> None:
    assert valid_inn(inn)


@pytest.mark.parametrize("inn", ["7707083894", "500100732258", "123", "77070838９3", "", "77070838931"])
def test_invalid_inn(inn: str) -> None:
    assert not valid_inn(inn)


def test_kpp_and_ogrn() -> None:
    assert valid_kpp("773601001") and valid_kpp("7736AB001")
    assert not valid_kpp("77360100") and not valid_kpp("7736ab001")
    assert valid_ogrn("1027700132195")  # Сбербанк
    assert valid_ogrn("304500116000157")  # ОГРНИП
    assert not valid_ogrn("1027700132194")


def test_pydantic_types_strip_and_explain() -> None:
    assert TypeAdapter(INN).validate_python(" 7707083893 ") == "7707083893"
    with pytest.raises(ValidationError, match="Not a valid ИНН") as caught:
        TypeAdapter(INN).validate_python("7707083894")
    error = caught.value.errors()[0]
    assert error["type"] == "inn_invalid" and "7707083894" not in error["msg"]
    with pytest.raises(ValidationError, match="КПП"):
        TypeAdapter(KPP).validate_python("x")
    with pytest.raises(ValidationError, match="ОГРН"):
        TypeAdapter(OGRN).validate_python("1")
