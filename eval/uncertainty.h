// How unsure a model is about a document, for active learning: the
// documents it is least sure of are the most useful to label next.
#pragma once
#include <string>
#include <vector>

namespace rasid {

enum class Uncertainty { Margin, Entropy, LeastConfident };

// "margin", "entropy" or "least-confident"; throws InputError otherwise.
Uncertainty parse_uncertainty(const std::string& name);

// Higher is less sure, in [0, 1]: 1 - (p1 - p2), normalised entropy, or 1 - p1.
double uncertainty(const std::vector<float>& probs, Uncertainty kind);

// Indices of the `n` documents with the highest uncertainty (the maximum
// over heads), most uncertain first; ties keep input order.
std::vector<std::size_t> most_uncertain(const std::vector<std::vector<std::vector<float>>>& probs, Uncertainty kind,
                                        std::size_t n, std::vector<double>* scores = nullptr);

}  // namespace rasid
