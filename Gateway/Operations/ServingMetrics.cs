using System.Diagnostics;
using System.Diagnostics.Metrics;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>
/// The serving figures operators of llama.cpp's server and vLLM expect, per assistant and model:
/// requests by status, tokens, time to first token, time per output token, end-to-end latency and
/// queue time. Each finished request is also logged once, without key or prompt text.
/// </summary>
internal sealed class ServingMetrics
{
    private static readonly double[] LatencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80];
    private static readonly double[] TokenBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1];

    private readonly Counter<long> _requests;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generationTokens;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _timePerOutputToken;
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _queueTime;
    private readonly ILogger<ServingMetrics> _logger;

    /// <summary>The <c>route</c> label of embeddings (other routes are labelled by their endpoint's pattern).</summary>
    public const string EmbeddingsRoute = "/v1/embeddings";

    public ServingMetrics(ILogger<ServingMetrics> logger)
    {
        var meter = VergeMeter.Instance;
        _requests = meter.CreateCounter<long>("verge.requests", description: "Requests by route (/v1/chat/completions, /v1/embeddings, ...), assistant, model and HTTP status.");
        _promptTokens = meter.CreateCounter<long>("verge.prompt_tokens", description: "Prompt tokens of finished requests.");
        _generationTokens = meter.CreateCounter<long>("verge.generation_tokens", description: "Generated tokens of finished requests.");
        _timeToFirstToken = meter.CreateHistogram("verge.time_to_first_token", "s", "From the request's arrival to its first generated token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _timePerOutputToken = meter.CreateHistogram("verge.time_per_output_token", "s", "Time per generated token after the first.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TokenBuckets });
        _latency = meter.CreateHistogram("verge.e2e_request_latency", "s", "From the request's arrival to its last token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _queueTime = meter.CreateHistogram("verge.queue_time", "s", "Time a request waited for a slot of its worker.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _logger = logger;
    }

    /// <summary>
    /// A request refused before any token (its error status). A name that is no assistant (404) is not
    /// a label: callers must not be able to create series at will.
    /// </summary>
    public void Refused(string assistant, int status, string route) => _requests.Add(1, new TagList
    {
        { "assistant", status == 404 ? "unknown" : assistant }, { "model", "" }, { "status", status }, { "route", route },
    });

    /// <summary>A request forwarded to an assistant's upstream: its status and latency (its tokens are the upstream's to count).</summary>
    public void Forwarded(string assistant, string upstreamModel, int status, string route, TimeSpan latency)
    {
        _requests.Add(1, new TagList { { "assistant", assistant }, { "model", upstreamModel }, { "status", status }, { "route", route } });
        _latency.Record(latency.TotalSeconds, new TagList { { "assistant", assistant }, { "model", upstreamModel }, { "route", route } });
    }

    /// <summary>An embeddings request answered: its inputs' tokens count as prompt tokens, its latency end to end.</summary>
    public void Embedded(string assistant, EmbeddingResult result, int inputs, TimeSpan latency)
    {
        var model = WorkerKey.TryParse(result.Worker, out var worker) ? worker.Model : "";
        var tags = new TagList { { "assistant", assistant }, { "model", model }, { "route", EmbeddingsRoute } };
        _requests.Add(1, new TagList { { "assistant", assistant }, { "model", model }, { "status", 200 }, { "route", EmbeddingsRoute } });
        _promptTokens.Add(result.PromptTokens, tags);
        _latency.Record(latency.TotalSeconds, tags);
        _logger.LogInformation("Embeddings for {Assistant} on {Worker}: {Inputs} inputs, {PromptTokens} tokens, total {TotalMs:F0} ms",
            assistant, result.Worker, inputs, result.PromptTokens, latency.TotalMilliseconds);
    }

    /// <summary>
    /// Watches a request's events as they pass to the client, and records the request when they end.
    /// </summary>
    public IAsyncEnumerator<GenerationEvent> Observe(IAsyncEnumerator<GenerationEvent> events, Served served, long arrived, string requestId) =>
        new Observed(this, events, served, arrived, requestId);

    private void Finished(Served served, GenerationSummary summary, long arrived, long? firstToken, string requestId)
    {
        var (assistant, route) = served;
        var model = WorkerKey.TryParse(summary.Worker, out var worker) ? worker.Model : "";
        var tags = new TagList { { "assistant", assistant }, { "model", model }, { "route", route } };
        var latency = Stopwatch.GetElapsedTime(arrived);
        _requests.Add(1, new TagList { { "assistant", assistant }, { "model", model }, { "status", 200 }, { "route", route } });
        _promptTokens.Add(summary.PromptTokens, tags);
        _generationTokens.Add(summary.CompletionTokens, tags);
        _latency.Record(latency.TotalSeconds, tags);
        _queueTime.Record(summary.QueueMs / 1000, tags);
        var ttft = firstToken is { } first ? Stopwatch.GetElapsedTime(arrived, first) : (TimeSpan?)null;
        if (ttft is { } time)
        {
            _timeToFirstToken.Record(time.TotalSeconds, tags);
            if (summary.CompletionTokens > 1)
            {
                _timePerOutputToken.Record((latency - time).TotalSeconds / (summary.CompletionTokens - 1), tags);
            }
        }

        _logger.LogInformation(
            "Request {RequestId} for {Assistant} on {Worker}: {PromptTokens} prompt tokens ({CachedTokens} cached), {CompletionTokens} generated, finish {FinishReason}, first token {TtftMs:F0} ms, total {TotalMs:F0} ms, queued {QueueMs:F0} ms",
            requestId, assistant, summary.Worker, summary.PromptTokens, summary.CachedTokens, summary.CompletionTokens, summary.FinishReason,
            ttft?.TotalMilliseconds, latency.TotalMilliseconds, summary.QueueMs);
    }

    private void Ended(Served served, string requestId, bool cancelled)
    {
        var (assistant, route) = served;
        _requests.Add(1, new TagList { { "assistant", assistant }, { "model", "" }, { "status", cancelled ? 499 : 500 }, { "route", route } });
        _logger.LogInformation("Request {RequestId} for {Assistant} ended without an answer ({Why})", requestId, assistant, cancelled ? "client left" : "failed");
    }

    private sealed class Observed(ServingMetrics metrics, IAsyncEnumerator<GenerationEvent> inner, Served served, long arrived, string requestId)
        : IAsyncEnumerator<GenerationEvent>
    {
        private long? _firstToken;
        private bool _finished;
        private Exception? _failure;

        public GenerationEvent Current => inner.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            try
            {
                if (!await inner.MoveNextAsync())
                {
                    return false;
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                _failure = error;
                throw;
            }

            var update = inner.Current;
            if (_firstToken is null && (update.Content.Length > 0 || update.Reasoning.Length > 0))
            {
                _firstToken = Stopwatch.GetTimestamp();
            }

            if (update.Summary is { } summary && !_finished)
            {
                _finished = true;
                metrics.Finished(served, summary, arrived, _firstToken ?? Stopwatch.GetTimestamp(), requestId);
            }

            return true;
        }

        public ValueTask DisposeAsync()
        {
            if (!_finished)
            {
                _finished = true;
                metrics.Ended(served, requestId, cancelled: _failure is null);
            }

            return inner.DisposeAsync();
        }
    }
}

/// <summary>What a request's series are labelled with: the assistant and the API route it came by.</summary>
internal sealed record Served(string Assistant, string Route);
