using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>The decode step: one batch for every busy slot, then a token for every sequence with logits.</summary>
internal sealed partial class InferenceEngine
{
    private readonly List<Sequence> _prompts = [];

    private void Step()
    {
        _batch.Clear();
        var budget = _options.BatchSize;
        var sequencesInStep = 0;
        foreach (var sequence in _slots)
        {
            if (sequence is { Generating: true })
            {
                sequence.Decoded.Add(sequence.LastToken);
                sequence.BatchIndex = _batch.Add(sequence.LastToken, sequence.Position++, sequence.Id, logits: true);
                budget--;
                sequencesInStep++;
            }
        }

        // Prompts are evaluated first come, first served, a bounded chunk per step unless one prompt has the engine
        // to itself: generating sequences get their next token after a short step, and of several prompts sent
        // together the first starts answering after its own evaluation rather than after all of theirs.
        var prompts = PromptsInArrivalOrder();
        if (sequencesInStep > 0 || prompts.Count > 1)
        {
            budget = Math.Min(budget, _options.SharedPrefillChunk);
        }

        foreach (var sequence in prompts)
        {
            if (budget == 0)
            {
                break;
            }

            sequence.MarkPromptStarted();
            var chunk = Math.Min(budget, sequence.Prompt.Length - sequence.Prefilled);
            for (var i = 0; i < chunk; i++)
            {
                var last = sequence.Prefilled + 1 == sequence.Prompt.Length;
                sequence.Decoded.Add(sequence.Prompt[sequence.Prefilled]);
                var index = _batch.Add(sequence.Prompt[sequence.Prefilled++], sequence.Position++, sequence.Id, logits: last);
                sequence.BatchIndex = last ? index : -1;
            }

            budget -= chunk;
            sequencesInStep++;
            _stats.PromptEvaluated(chunk);
        }

        var result = _context.NativeHandle.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result} for a batch of {_batch.TokenCount} tokens.");
        }

        _stats.Step(sequencesInStep);

        foreach (var sequence in _slots)
        {
            if (sequence is { BatchIndex: >= 0, Generated: 0, Choice: 0 })
            {
                sequence.MarkPromptDone();
                StartOtherChoices(sequence);
            }
        }

        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { BatchIndex: >= 0 } sequence)
            {
                Sample(slot, sequence);
            }
        }
    }

    // The sequences still evaluating their prompts, oldest admission first.
    private List<Sequence> PromptsInArrivalOrder()
    {
        _prompts.Clear();
        foreach (var sequence in _slots)
        {
            if (sequence is { Generating: false, AwaitsPrompt: false })
            {
                _prompts.Add(sequence);
            }
        }

        if (_prompts.Count > 1)
        {
            _prompts.Sort(static (a, b) => a.Admitted.CompareTo(b.Admitted));
        }

        return _prompts;
    }

    // Choice 0 has just evaluated the prompt: the other choices share its KV and sample from its last logits.
    private void StartOtherChoices(Sequence first)
    {
        foreach (var choice in first.Request.Choices)
        {
            if (choice.AwaitsPrompt && _slots[(int)choice.Id] == choice)
            {
                _context.NativeHandle.MemorySequenceCopy(first.Id, choice.Id, 0, -1);
                choice.StartFrom(first);
            }
        }
    }

    private void Sample(int slot, Sequence sequence)
    {
        if (sequence.ReplayDelivered() is { } ended)
        {
            sequence.BatchIndex = -1;
            Release(slot, sequence, ended);
            return;
        }

        var sampled = sequence.Sampler.Sample(_context.NativeHandle, sequence.BatchIndex);
        sequence.BatchIndex = -1;
        if (sampled is not { } token)
        {
            Release(slot, sequence, new ServingException(400, "grammar_dead_end",
                "The grammar allows no token to continue the output; check that every rule can be completed.", "grammar"));
            return;
        }

        sequence.LastToken = token;
        _stats.Generated();
        if (!sequence.Settings.IgnoreEos && token.IsEndOfGeneration(_model.Weights.Vocab))
        {
            sequence.CountFinalToken(token);
            Release(slot, sequence, FinishReason.Stop);
        }
        else if (sequence.Accept(token))
        {
            Release(slot, sequence, FinishReason.Stop);
        }
        else if (sequence.Generated >= sequence.Settings.MaxTokens || sequence.Position >= _options.ContextSize)
        {
            Release(slot, sequence, FinishReason.Length);
        }
    }

    // The sequence's KV stays in its slot (see Place): the next request sharing its prefix skips that part.
    private void Release(int slot, Sequence sequence, FinishReason reason)
    {
        Vacate(slot, sequence);
        sequence.Finish(reason, _name);
    }

    // Ends the whole request with an error; its other choices are cancelled and leave at the next step.
    private void Release(int slot, Sequence sequence, Exception error)
    {
        Vacate(slot, sequence);
        sequence.Request.Fail(error);
    }

    private void Vacate(int slot, Sequence sequence)
    {
        _cache.Release(slot, sequence.Decoded, _stats.Completed + 1, sequence.Settings.Conversation);
        _slots[slot] = null;
        Interlocked.Decrement(ref _busy);
        if (sequence.Choice == 0)
        {
            _stats.RequestCompleted(sequence.Admitted);
        }

        sequence.Dispose();
    }

    private void FailAll(Exception error)
    {
        _cache.Clear();
        _saved.Clear();
        _stats.Held(_saved);
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { } sequence)
            {
                _slots[slot] = null;
                Interlocked.Decrement(ref _busy);
                sequence.Request.Fail(error);
                sequence.Dispose();
            }
        }

        while (_waiting.TryDequeue(out var waiting))
        {
            Dequeued(waiting);
            waiting.Fail(error);
            waiting.Dispose();
        }
    }
}
