"""Published numbers and documented assumptions the competition simulation starts from."""

from __future__ import annotations

# --- calendar -------------------------------------------------------------------------------
SIM_START = 2017.0  # brief: releases are simulated from 2017-01 (Transformer era, Vaswani et al. 2017)
MONTHS_PER_YEAR = 12  # calendar

# --- the gap window (log10 parameters) ---------------------------------------------------------
GAP_LOWER = 20e9  # Villalobos et al. (2022), arXiv 2207.02852: the gap is 20B-70B
GAP_UPPER = 70e9  # idem (bounds inclusive, as gapstudy.schema.GapConfig reads them)

# --- GPT-3, the anchor --------------------------------------------------------------------------
GPT3_PARAMS = 175e9  # Brown et al. (2020), arXiv 2005.14165, Table 2.1
GPT3_TOKENS = 300e9  # idem, Section 2.2: trained on 300B tokens
GPT3_DATE = 2020 + (4 + 27 / 31) / 12  # arXiv 2005.14165 v1 submitted 28 May 2020 (fractional year)
GPT3_FLOP = 3.14e23  # Brown et al. (2020), Table D.1: total training compute

# --- Kaplan et al. (2020), arXiv 2001.08361 -------------------------------------------------------
KAPLAN_NC = 8.8e13  # Kaplan et al. (2020) eq. 1.1: L(N) = (N_c/N)^alpha_N, N_c = 8.8e13 non-embedding params
KAPLAN_ALPHA_N = 0.076  # idem, alpha_N = 0.076
KAPLAN_N_EXPONENT = 0.73  # idem, Section 6 / eq. 1.7: compute-optimal N grows as C^0.73
# Tokens grow as C^(1-0.73); with C = 6 N D this gives D proportional to N^(0.27/0.73).
KAPLAN_D_EXPONENT = (1 - KAPLAN_N_EXPONENT) / KAPLAN_N_EXPONENT  # derived from the line above
# Prefactor chosen so that GPT-3 (175B params, 300B tokens), the Kaplan-era flagship, lies on the
# allocation: D = GPT3_TOKENS * (N / GPT3_PARAMS)^KAPLAN_D_EXPONENT. (Kaplan's own fit gives fewer
# tokens; labs of the time trained longer, e.g. GPT-3. Documented choice, not a published constant.)
KAPLAN_D_PREFACTOR = GPT3_TOKENS / GPT3_PARAMS**KAPLAN_D_EXPONENT  # derived from the line above

# --- Hoffmann et al. (2022), "Chinchilla", arXiv 2203.15556 ---------------------------------------
CHIN_E = 1.69  # Hoffmann et al. (2022) eq. 10 (approach 3 fit): irreducible loss E
CHIN_A = 406.4  # idem, A
CHIN_B = 410.7  # idem, B
CHIN_ALPHA = 0.34  # idem, alpha
CHIN_BETA = 0.28  # idem, beta
CHIN_TOKENS_PER_PARAM = 20.0  # idem, Table 3 / common reading: compute-optimal D ~ 20 N
CHINCHILLA_DATE = 2022 + (2 + 28 / 31) / 12  # arXiv 2203.15556 v1 submitted 29 March 2022

# --- training FLOP and price ---------------------------------------------------------------------
FLOP_PER_PARAM_TOKEN = 6.0  # Kaplan et al. (2020) Section 2.1: C ~ 6 N D training FLOP
# Lambda Labs (June 2020, "OpenAI's GPT-3 Language Model: A Technical Overview") estimated GPT-3's
# training at ~$4.6M of V100 cloud time; dividing by GPT3_FLOP gives dollars per FLOP in mid-2020.
PRICE_PER_FLOP_REF = 4.6e6 / GPT3_FLOP  # derived: ~1.46e-17 $/FLOP
PRICE_REF_YEAR = GPT3_DATE  # the date that estimate refers to
# Hobbhahn & Besiroglu (2022, Epoch AI, "Trends in GPU price-performance"): FLOP/s per dollar
# doubles every ~2.5 years, so the price of a FLOP halves every 2.5 years.
PRICE_HALVING_YEARS = 2.5

# --- inference memory of one accelerator, for models built for a lab's own use --------------------
# (fractional year it became available, GB of memory on the largest common data-centre GPU)
DEVICE_MEMORY_GB = (
    (2016.0, 16.0),  # NVIDIA P100 16GB (2016), then V100 16GB (2017)
    (2018.25, 32.0),  # NVIDIA V100 32GB, announced GTC March 2018
    (2020.4, 40.0),  # NVIDIA A100 40GB, announced May 2020
    (2020.9, 80.0),  # NVIDIA A100 80GB, announced November 2020 (H100 80GB, 2022, same memory)
    (2024.9, 141.0),  # NVIDIA H200 141GB, shipping late 2024 (approximate)
    (2025.25, 192.0),  # NVIDIA B200 192GB, volume shipments in 2025 (approximate)
)
INFERENCE_BYTES_PER_PARAM = 2.0  # fp16/bf16 weights, 2 bytes per parameter
# Deployment targets of own-use models (a distribution, not one boundary: a single cap put a spike at
# 40B = 80 GB / 2 bytes inside the window). Accelerators per serving replica, and what the sources say:
# - The degrees. vLLM's "Distributed Inference and Serving" guide (docs.vllm.ai, v0.8.x): serve on one
#   GPU when the model fits; otherwise tensor-parallel over the GPUs of one node, with the node's GPU
#   count as the usual tensor_parallel_size; pipeline parallelism only across nodes. NVIDIA DGX/HGX
#   A100 and H100 nodes hold 8 GPUs, and tensor parallelism splits attention heads, so the degrees are
#   1, 2, 4, 8. A Hugging Face SageMaker TGI deployment table (huggingface.co/philschmid/
#   sagemaker-models, model.json in its PR 1) serves 1 shard for gpt2 and gpt-neo-2.7B and 4 shards (4 x A10G
#   24 GB) for bloom-7b1, open_llama_13b, gpt-neox-20b, starcoder, flan-t5-xxl and falcon-40b.
# - Labs size own-use/open models for a target: MosaicML chose MPT-30B's size (June 2023) to deploy on
#   one GPU, an A100-80GB at 16 bits or an A100-40GB at 8 bits (databricks.com/blog/mpt-30b). Seen only
#   in secondary coverage (the labs' own posts not retrieved): Google announced Gemma 3 27B (March 2025)
#   as the most capable model for a single GPU or TPU (learnprompting.org); Mistral Small 3 (24B,
#   January 2025) fits one RTX 4090 (24 GB, consumer) once quantized (crafiq.ai, d-central.tech).
# - MLPerf Inference submissions are whole systems (mostly 8 accelerators); the replica size inside them
#   varies with precision (e.g. Krai's open v5.0/v5.1 Llama-2/3.1-70B FP8 runs on 8 x H200/B200: tp=1,
#   dp=8; mlcommons inference_results_v5.0/v5.1, open/Krai/measurements), so they give degrees, not
#   shares of deployments.
# - Consumer cards: open mid-size models are offered for one 24 GB consumer card with 4-bit weights
#   (Mistral Small 3 above; third-party hosting guides, e.g. gigagpu.com, run Yi-34B and Gemma 2 27B
#   so on one RTX 4090), so one consumer card is a fifth target: its memory CONSUMER_MEMORY_GB at CONSUMER_BYTES_PER_PARAM once 4-bit weights exist.
# No source found gives the SHARES of own-use models per target. The shares below are an assumption
# (single-GPU serving most common, the rest even, no consumer card); `competition.deploy_sensitivity`
# refits the simulation under clearly different share vectors and reports whether its conclusions change.
DEPLOY_DEVICES = (1.0, 2.0, 4.0, 8.0)  # vLLM distributed-serving guide; 8-GPU DGX/HGX nodes (above)
# Shares of the targets: 1, 2, 4, 8 data-centre accelerators, then one consumer card.
DEPLOY_DEVICE_PROBS = (0.4, 0.2, 0.2, 0.2, 0.0)  # assumption: no source gives shares (above)
# (fractional year it became available, GB of memory on the largest common consumer GPU)
CONSUMER_MEMORY_GB = (
    (2017.2, 11.0),  # NVIDIA GeForce GTX 1080 Ti 11GB, March 2017
    (2020.7, 24.0),  # NVIDIA GeForce RTX 3090 24GB, September 2020 (RTX 4090, October 2022: also 24GB)
    (2025.08, 32.0),  # NVIDIA GeForce RTX 5090 32GB, January 2025
)
# 4-bit weights on a consumer card: GPTQ (Frantar et al. 2022, arXiv 2210.17323, v1 31 October 2022)
# quantized 175B-class models to 3-4 bits; before that date consumer cards hold 16-bit weights.
CONSUMER_BYTES_PER_PARAM = 0.5  # 4 bits per parameter
QUANT_4BIT_DATE = 2022 + (9 + 30 / 31) / 12  # arXiv 2210.17323 v1, 31 October 2022 (fractional year)
# Share of the replica's memory the weights may take, uniform between these. Upper end: vLLM's
# default gpu_memory_utilization is 0.9 (weights + KV cache + activations; vLLM engine arguments).
# Lower end: assumption that the KV cache of long contexts and large batches takes up to about half.
DEPLOY_WEIGHT_SHARE = (0.45, 0.9)

# --- lab kinds -----------------------------------------------------------------------------------
KIND_NAMES = ("frontier", "industry", "academia", "anchor")  # codes 0..3 in SimulationResult.kind
N_KINDS = 3  # kinds of simulated labs (the anchor is an injected release, not a lab)
