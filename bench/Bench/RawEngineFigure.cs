using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Verge.Orleans.Bench;

/// <summary>
/// The same model file driven by LLamaSharp directly, no server and no engine of ours: one sequence, greedy,
/// a plain decode loop. The product's figures are divided by these, measured in the same run.
/// </summary>
internal sealed class RawEngineFigure : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();
    private List<LLamaToken> _held = [];

    public RawEngineFigure(string modelPath, int contextSize, int sequences = 1)
    {
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = (uint)(contextSize * sequences),
            SeqMax = (uint)sequences,
            BatchSize = 512,
            UBatchSize = 512,
            Threads = Environment.ProcessorCount,
            BatchThreads = Environment.ProcessorCount,
        };
        _weights = LLamaWeights.LoadFromFile(parameters);
        _context = _weights.CreateContext(parameters);
    }

    /// <summary>Prompt tokens per second: <paramref name="prompt"/> evaluated in batches from an empty context.</summary>
    public double PromptTokensPerSecond(LLamaToken[] prompt)
    {
        _context.NativeHandle.MemoryClear();
        var clock = Stopwatch.StartNew();
        Prefill(prompt);
        return prompt.Length / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Tokens per second after the first, greedy, one token per decode: what a single stream gets.</summary>
    public double DecodeTokensPerSecond(LLamaToken[] prompt, int tokens)
    {
        _context.NativeHandle.MemoryClear();
        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        Prefill(prompt);
        var position = prompt.Length;
        var token = sampler.Sample(_context.NativeHandle, -1);
        var clock = Stopwatch.StartNew();
        for (var i = 1; i < tokens; i++)
        {
            _batch.Clear();
            _batch.Add(token, position++, LLamaSeqId.Zero, logits: true);
            Decode();
            token = sampler.Sample(_context.NativeHandle, -1);
        }

        return (tokens - 1) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds to evaluate <paramref name="prompt"/> from an empty context: its time to first token.</summary>
    public double PromptSeconds(LLamaToken[] prompt) => prompt.Length / PromptTokensPerSecond(prompt);

    /// <summary>
    /// Every prompt in its own sequence, prefilled in batches of up to 512 tokens (first come first), then all
    /// decoded together one token each per step, greedy, <paramref name="tokens"/> tokens each.
    /// </summary>
    public BatchedRun Batched(LLamaToken[][] prompts, int tokens)
    {
        _context.NativeHandle.MemoryClear();
        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        var clock = Stopwatch.StartNew();
        var firsts = new double[prompts.Length];
        var logits = new int[prompts.Length];
        var next = new LLamaToken[prompts.Length];
        var pending = new List<int>();
        _batch.Clear();
        for (var seq = 0; seq < prompts.Length; seq++)
        {
            for (var i = 0; i < prompts[seq].Length; i++)
            {
                if (_batch.TokenCount == 512)
                {
                    FinishPrefill();
                }

                var index = _batch.Add(prompts[seq][i], i, (LLamaSeqId)seq, logits: i == prompts[seq].Length - 1);
                if (i == prompts[seq].Length - 1)
                {
                    logits[seq] = index;
                    pending.Add(seq);
                }
            }
        }

        FinishPrefill();
        var decodeStarted = clock.Elapsed;
        var positions = prompts.Select(p => p.Length).ToArray();
        for (var step = 1; step < tokens; step++)
        {
            _batch.Clear();
            for (var seq = 0; seq < prompts.Length; seq++)
            {
                logits[seq] = _batch.Add(next[seq], positions[seq]++, (LLamaSeqId)seq, logits: true);
            }

            Decode();
            for (var seq = 0; seq < prompts.Length; seq++)
            {
                next[seq] = sampler.Sample(_context.NativeHandle, logits[seq]);
            }
        }

        var total = clock.Elapsed;
        return new BatchedRun(prompts.Length * tokens / total.TotalSeconds, prompts.Length * (tokens - 1) / (total - decodeStarted).TotalSeconds, [.. firsts]);

        void FinishPrefill()
        {
            Decode();
            foreach (var seq in pending)
            {
                next[seq] = sampler.Sample(_context.NativeHandle, logits[seq]);
                firsts[seq] = clock.Elapsed.TotalSeconds;
            }

            pending.Clear();
            _batch.Clear();
        }
    }

    /// <summary>
    /// One turn of a conversation that keeps its KV: evaluates what <paramref name="prompt"/> adds to what the
    /// context holds (the previous prompt and its answer), then generates <paramref name="answerTokens"/> greedily.
    /// Returns the time to the first token and the answer's tokens (the caller renders them into the next prompt).
    /// Starts a new conversation when <paramref name="first"/>.
    /// </summary>
    public (double Seconds, LLamaToken[] Answer) Turn(LLamaToken[] prompt, int answerTokens, bool first)
    {
        if (first)
        {
            _context.NativeHandle.MemoryClear();
            _held = [];
        }

        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        var clock = Stopwatch.StartNew();
        var common = 0;
        while (common < Math.Min(_held.Count, prompt.Length - 1) && _held[common] == prompt[common])
        {
            common++;
        }

        _context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, common, -1);
        Prefill(prompt, common);
        var token = sampler.Sample(_context.NativeHandle, -1);
        var seconds = clock.Elapsed.TotalSeconds;
        _held = [.. prompt];
        var answer = new List<LLamaToken>();
        for (var i = 0; i < answerTokens; i++)
        {
            answer.Add(token);
            _batch.Clear();
            _batch.Add(token, _held.Count, LLamaSeqId.Zero, logits: true);
            Decode();
            _held.Add(token);
            token = sampler.Sample(_context.NativeHandle, -1);
        }

        return (seconds, [.. answer]);
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    private void Prefill(LLamaToken[] prompt, int from = 0)
    {
        for (var start = from; start < prompt.Length; start += 512)
        {
            _batch.Clear();
            var end = Math.Min(prompt.Length, start + 512);
            for (var i = start; i < end; i++)
            {
                _batch.Add(prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
            }

            Decode();
        }
    }

    private void Decode()
    {
        if (_context.NativeHandle.Decode(_batch) is not DecodeResult.Ok and var result)
        {
            throw new InvalidOperationException($"llama_decode returned {result}");
        }
    }
}

/// <summary>Aggregate tokens per second with and without the prefill, and each sequence's time to first token.</summary>
internal sealed record BatchedRun(double TokensPerSecond, double DecodeTokensPerSecond, List<double> TimesToFirstToken);
