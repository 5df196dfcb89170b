"""Token estimate benchmark: ``estimate_text`` against the real tokenizers.

Counts every sample of a varied corpus with ``openrouter_kit._core.tokens.estimate_text`` and with
the real BPE tokenizers of OpenAI's models (``o200k_base`` for GPT-4o and later, ``cl100k_base`` for
GPT-4 and GPT-3.5), then reports per category and tokenizer: samples, median and p90 absolute
relative error, mean signed error (bias: positive means the estimate counts more tokens than the
tokenizer, which is the safe side for a budget check) and the estimate's throughput in MB/s of
UTF-8. Prints a table and writes ``benchmarks/results/tokens.json``.

The corpus is embedded here or built from this repository, so every machine measures the same
text: English prose paragraphs, the project's own Python source and some JavaScript, Chinese,
Japanese and Korean paragraphs, other scripts (Cyrillic, Greek, accented Latin, Arabic,
Devanagari), JSON (the emulator's ``/models`` payload and the codegen schemas), numbers and emoji.

The tokenizer is ``bpe-openai`` (bundles both tables, no network), the one ``count_prompt``
uses; see ``benchmarks/requirements.txt``.

    python benchmarks/tokens.py            # the full corpus
    python benchmarks/tokens.py --quick    # fewer throughput repeats
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENCODINGS = ("o200k_base", "cl100k_base")

# -- corpus -------------------------------------------------------------------------------------

PROSE = [
    "The library was designed around a simple idea: everything that does not wait on a socket "
    "should be a pure function. That choice makes the code easier to test, because a test can "
    "feed bytes in and read values out without starting a server or mocking a transport.",
    "When the train finally pulled into the station, it was nearly midnight. The platform was "
    "empty except for a man selling roasted chestnuts, who had long since stopped calling out to "
    "passengers and now simply stood by his brazier, warming his hands and watching the rain.",
    "Photosynthesis converts light energy into chemical energy. In the first stage, the "
    "light-dependent reactions split water molecules and release oxygen; in the second, the "
    "Calvin cycle uses the energy stored in ATP and NADPH to fix carbon dioxide into sugars.",
    "Please review the attached quarterly report before Thursday's meeting. In particular, look "
    "at the revenue figures for the northern region, which came in well below forecast, and the "
    "marketing budget, which we overspent by roughly twelve percent.",
    "Hi!",
    "Can you summarize this article in three bullet points?",
    "You are a helpful assistant. Answer concisely, cite your sources when you can, and say so "
    "plainly when you do not know the answer instead of guessing.",
    "The committee's recommendations, published after eighteen months of deliberation, were "
    "received with cautious optimism by industry groups and with open skepticism by consumer "
    "advocates, who argued that the proposed safeguards were voluntary and therefore "
    "unenforceable in practice.",
    "She had always believed that a well-kept garden said more about its owner than any "
    "conversation could. The roses along the fence were pruned with almost surgical precision, "
    "yet the vegetable beds behind the shed had been left to grow wild, as if two different "
    "people shared the same small plot of land.",
    "In 1969, astronauts Neil Armstrong and Buzz Aldrin became the first humans to walk on the "
    "Moon, while Michael Collins orbited above in the command module. The mission, Apollo 11, "
    "returned safely to Earth on July 24.",
    "Retry policies must be bounded. An unbounded retry loop turns a brief outage into a "
    "thundering herd: thousands of clients hammering a recovering service at the same moment, "
    "which keeps it from recovering at all. Exponential backoff with jitter spreads them out.",
    "I'm not sure I understand the question. Do you mean that the function should return early "
    "when the list is empty, or that it shouldn't be called at all in that case? Either way, "
    "we'd need a test that covers it.",
    "Mitochondrial dysfunction has been implicated in a wide range of neurodegenerative "
    "disorders, including Parkinson's disease, amyotrophic lateral sclerosis and Huntington's "
    "disease, though the precise mechanisms remain incompletely characterized.",
    "Preheat the oven to 200 degrees. Meanwhile, toss the potatoes with olive oil, salt, pepper "
    "and a little rosemary, spread them on a baking tray in a single layer, and roast for about "
    "forty minutes, turning once halfway through, until golden and crisp.",
    "The quick brown fox jumps over the lazy dog.",
    "Write a short poem about the sea, in the style of an old sailor who misses it.",
    "Economic historians have long debated why the industrial revolution began in Britain rather "
    "than in China, the Netherlands or France. Explanations range from cheap coal and expensive "
    "labour to institutions that protected property, a culture of tinkering, and access to "
    "colonial markets; most scholars now accept that several of these factors interacted.",
    "Notwithstanding the foregoing, the licensee shall indemnify and hold harmless the licensor "
    "from and against any and all claims, damages, liabilities, costs and expenses, including "
    "reasonable attorneys' fees, arising out of or relating to the licensee's use of the "
    "software.",
    "My flight was delayed by three hours, so I missed the connection in Frankfurt and had to "
    "spend the night at an airport hotel. The staff were kind, but I didn't sleep much.",
    "Large language models predict the next token in a sequence. A token is usually a word or a "
    "piece of a word; common English words are single tokens, while rare words, names and "
    "numbers are split into several pieces.",
]

JS_CODE = [
    """import { useState, useEffect } from "react";

export function useDebounce(value, delay = 300) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}
""",
    """async function fetchModels(apiKey) {
  const response = await fetch("https://example.invalid/api/v1/models", {
    headers: { Authorization: `Bearer ${apiKey}` },
  });
  if (!response.ok) {
    throw new Error(`request failed: ${response.status} ${response.statusText}`);
  }
  const { data } = await response.json();
  return data
    .filter((model) => model.context_length >= 32000)
    .map((model) => ({ id: model.id, price: Number(model.pricing.prompt) }))
    .sort((a, b) => a.price - b.price);
}
""",
    """class LRUCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.map = new Map();
  }

  get(key) {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key);
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key, value) {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value);
    this.map.set(key, value);
  }
}

module.exports = { LRUCache };
""",
    """const express = require("express");
const app = express();
app.use(express.json());

app.post("/api/v1/chat/completions", (req, res) => {
  const { model, messages, stream = false } = req.body;
  if (!Array.isArray(messages) || messages.length === 0) {
    return res.status(400).json({ error: { code: 400, message: "messages is required" } });
  }
  res.json({
    id: "gen-" + Date.now(),
    model,
    choices: [
      { index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
  });
});

app.listen(8080, () => console.log("listening on :8080"));
""",
]

CJK = [
    # Chinese (simplified)
    "人工智能正在改变我们的生活方式。从智能手机上的语音助手到医院里的影像诊断系统，"
    "机器学习技术已经渗透到社会的各个角落。然而，随着技术的快速发展，隐私保护、算法偏见"
    "和就业影响等问题也引起了越来越多的关注。",
    "今天天气很好，我们一起去公园散步吧。公园里的花都开了，红的、黄的、白的，非常漂亮。"
    "湖边有很多人在钓鱼，孩子们在草地上放风筝。",
    "请帮我把这段话翻译成英文，并且检查一下语法有没有错误。如果有不通顺的地方，也请顺便修改。",
    "北京是中国的首都，有三千多年的建城史。故宫、长城和天坛等名胜古迹每年吸引数以百万计的"
    "游客。近年来，城市的交通和空气质量都有了明显改善。",
    # Chinese (traditional)
    "臺灣的夜市文化非常有名，晚上到處都是熱鬧的攤販，賣著滷肉飯、蚵仔煎、珍珠奶茶和各式"
    "各樣的小吃。許多觀光客來到這裡，都一定會去夜市逛一逛。",
    # Japanese
    "東京は日本の首都であり、世界でも有数の大都市です。高層ビルが立ち並ぶ一方で、"
    "古い神社やお寺も数多く残っています。春になると、上野公園や千鳥ヶ淵の桜を見に、"
    "たくさんの人が訪れます。",
    "この関数は、与えられたリストの中から最大値を返します。リストが空の場合は例外を投げる"
    "ので、呼び出す前に必ず中身を確認してください。",
    "昨日、友達と一緒に新しいラーメン屋に行きました。スープはとても濃厚で美味しかったですが、"
    "少し塩辛かったです。また行きたいと思います。",
    "カタカナで書かれた言葉の多くは外来語です。たとえば、コンピューター、インターネット、"
    "スマートフォン、アプリケーションなどがあります。",
    # Korean
    "서울은 대한민국의 수도이며 인구가 약 천만 명에 이르는 대도시입니다. 한강을 중심으로 "
    "남북으로 나뉘어 있으며, 전통과 현대가 조화를 이루는 도시로 알려져 있습니다.",
    "안녕하세요. 오늘 회의는 오후 세 시에 시작합니다. 회의 자료는 미리 이메일로 보내 "
    "드렸으니 참석하시기 전에 한 번 확인해 주시기 바랍니다.",
    "이 프로그램은 사용자가 입력한 문장을 분석하여 감정을 긍정, 부정, 중립으로 분류합니다. "
    "정확도를 높이기 위해 더 많은 학습 데이터가 필요합니다.",
    "한국 음식 중에서 김치찌개와 불고기는 외국인들에게도 인기가 많습니다. 특히 겨울에는 "
    "따뜻한 국물 요리가 생각나죠.",
]

OTHER_SCRIPTS = [
    "Москва — столица России и крупнейший город страны. Здесь находятся Кремль, Красная площадь "
    "и множество музеев, театров и парков, которые каждый год посещают миллионы туристов.",
    "Пожалуйста, проверьте этот код и скажите, почему тест падает только на сервере сборки.",
    "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και μία από τις αρχαιότερες πόλεις του κόσμου. "
    "Η Ακρόπολη δεσπόζει πάνω από την πόλη εδώ και δυόμισι χιλιάδες χρόνια.",
    "Die Straßenbahn fährt alle zehn Minuten vom Hauptbahnhof über den Marktplatz bis zur "
    "Universität. Größere Gepäckstücke müssen im hinteren Wagen abgestellt werden.",
    "L'été dernier, nous avons passé deux semaines dans un petit village près de la mer. "
    "Chaque matin, j'achetais des croissants à la boulangerie et nous déjeunions sur la terrasse.",
    "¿Podrías explicarme cómo funciona la fotosíntesis? Necesito entenderlo para el examen de "
    "biología del próximo miércoles, y el libro no está muy claro.",
    "القاهرة هي عاصمة مصر وأكبر مدنها، وتقع على ضفاف نهر النيل. تشتهر المدينة بتاريخها "
    "العريق ومساجدها القديمة وأسواقها المزدحمة.",
    "भारत एक विशाल और विविधतापूर्ण देश है, जहाँ सैकड़ों भाषाएँ बोली जाती हैं और अनेक धर्मों के लोग एक साथ रहते हैं।",
    "Hà Nội là thủ đô của Việt Nam, nổi tiếng với phố cổ, hồ Hoàn Kiếm và những món ăn đường "
    "phố như phở và bún chả.",
    "Türkiye'nin en kalabalık şehri İstanbul, Avrupa ile Asya'yı birbirine bağlayan Boğaz'ın "
    "iki yakasında kurulmuştur.",
]

EMOJI = [
    "Great job everyone! 🎉🎉🎉 See you tomorrow 👋",
    "😀😃😄😁😆😅😂🤣🥲😊😇🙂🙃😉😌😍🥰😘",
    "👍🏽 👍🏿 👋🏻 🙏🏾 💪🏼",
    "👨‍👩‍👧‍👦 👩‍💻 🧑‍🚀 🏳️‍🌈 ❤️‍🔥",
    "🇺🇸 🇯🇵 🇫🇷 🇧🇷 🇰🇷 🇩🇪",
    "Weather today: ☀️ then 🌧️, high of 21°C 🌡️. Don't forget your ☂️!",
    "🔥🔥🔥 this release is 🚀 — thanks for all the ❤️ and ⭐ on GitHub",
    "✅ tests pass ❌ lint fails ⚠️ 3 warnings 🐛 1 bug",
    "🍕🍔🍟🌭🍿🥓🥚🍳🧇🥞🧈🍞🥐🥖🥨🧀🥗🥙",
    "I love this 😍😍 so much!!! 💯💯 #blessed ✨",
]


def _numbers() -> list[str]:
    rng = random.Random(20240601)
    out = [
        " ".join(str(rng.randint(0, 10 ** rng.randint(1, 9))) for _ in range(40)),
        ", ".join(f"{rng.uniform(-1000, 1000):.4f}" for _ in range(30)),
        "\n".join(
            f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
            + ",".join(str(rng.randint(0, 99999)) for _ in range(5))
            for _ in range(20)
        ),
        " ".join(str(rng.randint(0, 9)) for _ in range(200)),
        "".join(str(rng.randint(0, 9)) for _ in range(300)),
        "\n".join(f"{i}. {rng.randint(1, 500)} x {rng.uniform(0, 99):.2f} USD" for i in range(25)),
        "Call +1 (555) 013-2874 or +44 20 7946 0958 before 17:30 on 12/03/2025; ref #48213-77.",
        " ".join(f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.1" for _ in range(20)),
        " ".join(f"{rng.random():.3e}" for _ in range(30)),
        "π ≈ 3.14159265358979, e ≈ 2.71828182845904, √2 ≈ 1.41421356237310",
    ]
    return out


def _paragraphs(markdown: str) -> list[str]:
    """Prose paragraphs of a markdown file: no code fences, tables, headings or lists."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.S)
    keep = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if len(para) < 200 or para[0] in "#|-*>`0123456789" or "|" in para:
            continue
        keep.append(" ".join(para.split()))
    return keep


def _code_chunks(source: str, size: int = 2500) -> list[str]:
    """Source split at blank lines into pieces of about ``size`` characters."""
    chunks: list[str] = []
    current = ""
    for block in re.split(r"(?<=\n)\n", source):
        current += block + "\n"
        if len(current) >= size:
            chunks.append(current)
            current = ""
    if current.strip():
        chunks.append(current)
    return chunks


def corpus() -> dict[str, list[str]]:
    """The benchmark corpus: category -> samples."""
    from openrouter_kit.testing import default_models

    prose = list(PROSE)
    for name in ("README.md", "benchmarks/README.md"):
        path = ROOT / name
        if path.exists():
            prose += _paragraphs(path.read_text(encoding="utf-8"))

    code = list(JS_CODE)
    sources = sorted((ROOT / "src" / "openrouter_kit").rglob("*.py"))
    sources += sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "codegen").glob("*.py"))
    for path in sources:
        if "_generated" in path.parts:
            continue
        code += _code_chunks(path.read_text(encoding="utf-8"))[:3]

    models = default_models()
    json_samples = [json.dumps(models[0], indent=2), json.dumps({"data": models})]
    json_samples += [json.dumps(m) for m in models]
    for path in sorted((ROOT / "codegen" / "schemas").glob("*.json")):
        json_samples.append(path.read_text(encoding="utf-8"))
    json_samples.append(
        json.dumps(
            {
                "model": "openai/gpt-4o",
                "messages": [
                    {"role": "system", "content": PROSE[6]},
                    {"role": "user", "content": PROSE[5] + "\n\n" + PROSE[0]},
                ],
                "temperature": 0.2,
                "max_tokens": 512,
                "tools": [
                    {
                        "type": "function",
                        "function": {
                            "name": "get_weather",
                            "description": "Current weather for a city.",
                            "parameters": {
                                "type": "object",
                                "properties": {
                                    "city": {"type": "string"},
                                    "unit": {"type": "string", "enum": ["c", "f"]},
                                },
                                "required": ["city"],
                            },
                        },
                    }
                ],
            }
        )
    )
    return {
        "prose": prose,
        "code": code,
        "cjk": list(CJK),
        "other scripts": list(OTHER_SCRIPTS),
        "json": json_samples,
        "numbers": _numbers(),
        "emoji": list(EMOJI),
    }


# -- measuring ------------------------------------------------------------------------------------


def _p90(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]
    )


def _throughput(estimate: Callable[[str], int], samples: list[str], repeats: int) -> float:
    """MB/s of UTF-8 through ``estimate``: the category's samples joined to at least 1 MB, best of
    ``repeats`` runs."""
    text = "\n\n".join(samples)
    while len(text.encode()) < 1_000_000:
        text = text + "\n\n" + text
    size = len(text.encode())
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        estimate(text)
        best = min(best, time.perf_counter() - start)
    return size / best / 1e6


def _versions() -> dict[str, str]:
    found = {}
    for name in ("openrouter-kit", "bpe-openai"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 throughput run instead of 5")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "tokens.json")
    args = parser.parse_args()

    from openrouter_kit._core.tokens import estimate_text
    from openrouter_kit._tokenizers import tokenizer

    tokenizers: dict[str, tuple[Callable[[str], int], str]] = {}
    for encoding in ENCODINGS:
        loaded = tokenizer(encoding)
        if loaded is None:
            print(
                f"no tokenizer for {encoding}: pip install -r benchmarks/requirements.txt",
                file=sys.stderr,
            )
            return 1
        tokenizers[encoding] = loaded

    data = corpus()
    repeats = 1 if args.quick else 5
    rows: list[dict[str, Any]] = []
    samples: list[dict[str, Any]] = []
    for category, texts in data.items():
        estimates = [estimate_text(text) for text in texts]
        speed = _throughput(estimate_text, texts, repeats)
        for count, method in tokenizers.values():
            truths = [count(text) for text in texts]
            errors = [(e - t) / t for e, t in zip(estimates, truths, strict=True)]
            absolute = [abs(x) for x in errors]
            rows.append(
                {
                    "category": category,
                    "tokenizer": method,
                    "samples": len(texts),
                    "chars": sum(map(len, texts)),
                    "tokens": sum(truths),
                    "median_abs_error": statistics.median(absolute),
                    "p90_abs_error": _p90(absolute),
                    "mean_signed_error": statistics.fmean(errors),
                    "estimate_mb_per_s": speed,
                }
            )
            samples += [
                {"category": category, "tokenizer": method, "chars": len(text), "estimate": e,
                 "tokens": t}
                for text, e, t in zip(texts, estimates, truths, strict=True)
            ]  # fmt: skip

    header = (
        "| text | tokenizer | samples | median abs error | p90 abs error | bias | estimate MB/s |"
    )
    print(header)
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['category']} | {row['tokenizer'].split(':')[1]} | {row['samples']} "
            f"| {row['median_abs_error']:.1%} | {row['p90_abs_error']:.1%} "
            f"| {row['mean_signed_error']:+.1%} | {row['estimate_mb_per_s']:.1f} |"
        )
    result = {
        "benchmark": "tokens",
        "encodings": {name: method for name, (_, method) in tokenizers.items()},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "packages": _versions(),
        },
        "results": rows,
        "samples": samples,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
