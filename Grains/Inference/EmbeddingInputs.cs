using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>What an embedding engine accepts: non-empty inputs of at most the context's tokens, each a token of the vocabulary.</summary>
internal static class EmbeddingInputs
{
    /// <summary>Throws a 400 <see cref="ServingException"/> naming <c>input</c> for the first input that breaks a rule.</summary>
    public static void Validate(IReadOnlyList<LLamaToken[]> inputs, int contextSize, int vocabulary)
    {
        for (var index = 0; index < inputs.Count; index++)
        {
            var input = inputs[index];
            if (input.Length == 0)
            {
                throw new ServingException(400, "invalid_value", $"Input {index} is empty; every input must hold at least one token.", "input");
            }

            if (input.Length > contextSize)
            {
                throw new ServingException(400, "context_length_exceeded",
                    $"This model's maximum context length is {contextSize} tokens, but input {index} has {input.Length} tokens.", "input");
            }

            if (input.Any(token => (int)token < 0 || (int)token >= vocabulary))
            {
                throw new ServingException(400, "invalid_value", $"Input {index} holds a token id outside the model's vocabulary (0 to {vocabulary - 1}).", "input");
            }
        }
    }
}
