"""Shared fixtures: a small labelled corpus the tests generate themselves (no ../shared needed)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tagger.taxonomy import load_taxonomy

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# One made-up sentence per label; articles are random mixes, so every label has clear evidence.
TYPE_SENTENCES = {
    "industry": "帮助贫困村建设蔬菜种植基地和生猪养殖合作社，带动贫困户增收。",
    "education": "为山区小学的贫困学生发放助学金，捐赠图书和课桌。",
    "medical": "组织医生到偏远乡村开展义诊，为贫困群众免费体检并赠送药品。",
    "ecommerce": "开设电商服务站，通过直播带货和网店帮助农户在线上销售农产品。",
}
ACTOR_SENTENCES = {
    "united_front": "县委统战部牵头组织统一战线成员参与帮扶。",
    "democratic_party": "民盟省委会组织盟员专家深入贫困村。",
    "business": "县工商联动员民营企业和商会捐资出力。",
    "cppcc": "市政协机关干部和政协委员结对帮扶困难家庭。",
    "government": "县政府和驻村工作队第一书记具体落实。",
    "social": "县慈善总会和爱心志愿者捐款捐物。",
}
NEGATIVE_SENTENCES = [
    "市体育中心举办春季马拉松比赛，数千名跑者参加。",
    "新款手机在各大电商平台上市，首日销量创新高。",
    "市第一人民医院新院区正式启用，开设多个专科门诊。",
    "该校举行开学典礼，新生代表发言。",
    "民族团结进步表彰大会在州府召开。",
    "公司发布年度财报，营收同比增长百分之十二。",
]
FILLER = "近年来，当地认真贯彻落实上级部署，取得了积极成效。"


def make_corpus(n: int = 60, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        if i % 4 == 3:
            body = rng.sample(NEGATIVE_SENTENCES, 3)
            rows.append({"id": f"gen-{i:03d}", "text": FILLER + "".join(body),
                         "relief": False, "type": [], "actor": []})
            continue
        types = rng.sample(sorted(TYPE_SENTENCES), rng.randint(1, 2))
        actors = rng.sample(sorted(ACTOR_SENTENCES), rng.randint(1, 2))
        parts = ["为打赢脱贫攻坚战，巩固扶贫成果，"] + [ACTOR_SENTENCES[a] for a in actors] + [
            TYPE_SENTENCES[t] for t in types] + [FILLER]
        rows.append({"id": f"gen-{i:03d}", "text": "".join(parts), "relief": True,
                     "type": types, "actor": actors})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("data") / "train.jsonl", make_corpus())


@pytest.fixture(scope="session")
def trained(corpus_file, taxonomy):
    from tagger import Tagger

    return Tagger.train([corpus_file], taxonomy=taxonomy, cv=0, base=False)
