using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>One request's inputs on their way through the embedding engine; completes when the last vector is in.</summary>
internal sealed class EmbeddingJob(IReadOnlyList<LLamaToken[]> inputs)
{
    private readonly TaskCompletionSource<float[][]> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly float[][] _vectors = new float[inputs.Count][];
    private int _remaining = inputs.Count;

    public IReadOnlyList<LLamaToken[]> Inputs { get; } = inputs;

    public Task<float[][]> Completion => _done.Task;

    /// <summary>Done, cancelled or failed: its inputs still waiting need no decode.</summary>
    public bool Ended => _done.Task.IsCompleted;

    /// <summary>Stores input <paramref name="index"/>'s pooled vector, normalised to unit length.</summary>
    public void Set(int index, ReadOnlySpan<float> pooled)
    {
        _vectors[index] = EmbeddingVectors.Normalized(pooled, pooled.Length);
        if (--_remaining == 0)
        {
            _done.TrySetResult(_vectors);
        }
    }

    public void Cancel() => _done.TrySetCanceled();

    public void Fail(Exception error) => _done.TrySetException(error);
}
