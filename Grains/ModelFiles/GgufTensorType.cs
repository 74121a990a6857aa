namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>The ggml tensor encodings this writer produces (values are ggml's type ids).</summary>
public enum GgufTensorType
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
}
