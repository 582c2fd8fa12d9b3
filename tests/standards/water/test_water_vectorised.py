"""Vectorised classification agrees with the exact scalar one; monotonicity properties."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecowarden.errors import UnknownNameError, ValidationError
from ecowarden.standards.water import (
    ASSESSED_ITEMS,
    TABLE1,
    Direction,
    Item,
    WaterBody,
    WaterClass,
    class_limits,
    classify_item,
    classify_sample,
    classify_samples,
)

CLASSIFIED_ITEMS = [*ASSESSED_ITEMS, Item.TN, Item.FECAL_COLIFORM]
LE_ITEMS = [i for i in ASSESSED_ITEMS if TABLE1[i].direction is Direction.NOT_HIGHER]


def _edge_values(item: Item, body: WaterBody) -> list[float]:
    """Each limit as a float, the next double either side, and a few plain values."""
    values = [0.0]
    for limit in class_limits(item, body):
        x = float(limit)
        values += [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf), x * 1.5]
    return values


@st.composite
def samples(draw: st.DrawFn) -> tuple[WaterBody, dict[Item, list[float]]]:
    body = draw(st.sampled_from(list(WaterBody)))
    n = draw(st.integers(min_value=1, max_value=12))
    items = [i for i in CLASSIFIED_ITEMS if TABLE1[i].limits(body) is not None]
    chosen = draw(st.lists(st.sampled_from(items), min_size=1, max_size=8, unique=True))
    arrays: dict[Item, list[float]] = {}
    for item in chosen:
        top = float(class_limits(item, body)[-1])
        value = st.one_of(
            st.sampled_from(_edge_values(item, body)),
            st.floats(min_value=0.0, max_value=top * 2),
            st.just(math.nan),
        )
        if item is Item.PH:
            value = st.one_of(
                st.sampled_from([0.0, 5.99, 6.0, 9.0, math.nextafter(9.0, 10.0), 14.0]),
                st.floats(min_value=0.0, max_value=14.0),
                st.just(math.nan),
            )
        arrays[item] = draw(st.lists(value, min_size=n, max_size=n))
    return body, arrays


@settings(max_examples=60, deadline=None)
@given(samples())
def test_vectorised_equals_scalar(case: tuple[WaterBody, dict[Item, list[float]]]) -> None:
    body, arrays = case
    result = classify_samples(arrays, water_body=body)
    n = len(next(iter(arrays.values())))
    for i in range(n):
        sample = {item: values[i] for item, values in arrays.items()}
        scalar = classify_sample(sample, water_body=body)
        expected_class = 0 if scalar.water_class is None else scalar.water_class.code
        assert result.water_class[i] == expected_class, sample
        for item, codes in result.per_item.items():
            single = classify_item(item, sample[item], water_body=body)
            assert codes[i] == (0 if single is None else single.code), (item, sample[item])
            if item in scalar.per_item:
                assert single is scalar.per_item[item]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(LE_ITEMS),
    st.sampled_from(list(WaterBody)),
    st.decimals(min_value=0, max_value=50000, places=6),
    st.decimals(min_value=0, max_value=50000, places=6),
)
def test_class_monotone_in_concentration(
    item: Item, body: WaterBody, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    low_class = classify_item(item, low, water_body=body)
    high_class = classify_item(item, high, water_body=body)
    assert low_class is not None
    assert high_class is not None
    assert low_class.code <= high_class.code


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(min_value=0, max_value=20, places=3),
    st.decimals(min_value=0, max_value=20, places=3),
)
def test_do_class_reversed(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    low_class = classify_item("DO", low)
    high_class = classify_item("DO", high)
    assert low_class is not None
    assert high_class is not None
    # more oxygen is never a worse class
    assert high_class.code <= low_class.code


def test_reference_items_in_arrays() -> None:
    arrays = {
        "TN": [3.0, 0.1],
        "water_temperature": [20.0, 21.0],
        "NH3-N": [0.3, 0.1],
    }
    lake = classify_samples(arrays, water_body="lake")
    # TN 3.0 → 劣V (lake) but it is a reference item: the sample stays at NH3-N's class
    assert lake.per_item[Item.TN].tolist() == [6, 1]
    assert lake.water_class.tolist() == [2, 1]
    assert Item.WATER_TEMPERATURE not in lake.per_item
    river = classify_samples(arrays, water_body="river")
    assert Item.TN not in river.per_item
    assert river.classes() == [WaterClass.II, WaterClass.I]


def test_all_missing_sample_is_missing() -> None:
    result = classify_samples({"NH3-N": [math.nan], "pH": [7.0]})
    assert result.water_class.tolist() == [0]
    assert result.classes() == [None]


@pytest.mark.parametrize(
    ("arrays", "match"),
    [
        ({"NH3-N": [0.1, -0.2]}, "NH3-N.*-0.2"),
        ({"pH": [7.0, 15.0]}, "pH.*15"),
        ({"COD": [math.inf]}, "COD"),
        ({"COD": [1.0, 2.0], "BOD5": [1.0]}, "equal length"),
        ({"COD": [[1.0, 2.0]]}, "one-dimensional"),
    ],
)
def test_bad_arrays(arrays: dict[str, list[float]], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        classify_samples(arrays)


def test_unknown_names_in_arrays() -> None:
    with pytest.raises(UnknownNameError):
        classify_samples({"ammonia": [0.1]})
    with pytest.raises(UnknownNameError):
        classify_samples({"NH3-N": [0.1]}, water_body="sea")


def test_numpy_input_and_empty_arrays() -> None:
    result = classify_samples({"NH3-N": np.array([0.15, 0.5, 2.0, 2.01])})
    # 0.15 ≤ 0.15 → I; 0.5 → II; 2.0 → V; 2.01 → 劣V   GB 3838-2002 Table 1
    assert result.water_class.tolist() == [1, 2, 5, 6]
    assert classify_samples({}).water_class.tolist() == []
