using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>A worker's stream after it accepted a request: the worker's key and the silo it runs on.</summary>
internal sealed record AcceptedStream(IAsyncEnumerator<GenerationEvent> Events, string Worker, string Silo);
